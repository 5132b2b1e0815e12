package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// serveWith runs serve with a fake server loop that records the handler.
func serveWith(t *testing.T, stdin string, vars map[string]string, loop func(*http.Server) error, args ...string) (outcome, http.Handler, string) {
	var stdout, stderr bytes.Buffer
	var h http.Handler
	var addr string
	e := &env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] },
		serve: func(_ context.Context, srv *http.Server) error {
			h, addr = srv.Handler, srv.Addr
			return loop(srv)
		}}
	code := run(context.Background(), e, append([]string{"serve"}, args...))
	return outcome{code, stdout.String(), stderr.String()}, h, addr
}

func TestServe(t *testing.T) {
	closed := func(*http.Server) error { return http.ErrServerClosed }
	o, h, addr := serveWith(t, "example.org=google-workspace\n", nil, closed, "qq.com", "-addr", "127.0.0.1:0", "example.com=exmail", "-")
	if o.code != 0 || addr != "127.0.0.1:0" || h == nil || !strings.Contains(o.stderr, "serving autoconfig for 3 domains") {
		t.Fatalf("exit %d, addr %q; stderr %s", o.code, addr, o.stderr)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for host, wantHost := range map[string]string{"autoconfig.qq.com": "imap.qq.com", "autoconfig.example.com": "imap.exmail.qq.com", "autoconfig.example.org": "imap.gmail.com"} {
		req, _ := http.NewRequest("GET", srv.URL+"/mail/config-v1.1.xml", nil)
		req.Host = host
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		info, err := mailsettings.ParseAutoconfig(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: status %d, %v", host, resp.StatusCode, err)
		}
		if e := info.Endpoints[0]; e.Host != wantHost {
			t.Errorf("%s: first endpoint %v, want host %s", host, e, wantHost)
		}
	}
	o, _, _ = serveWith(t, "", map[string]string{"LANG": "zh_TW.UTF-8"}, closed, "qq.com")
	if !strings.Contains(o.stderr, "為 1 個網域提供autoconfig") {
		t.Errorf("zh-Hant log line: %q", o.stderr)
	}
}

func TestServeErrors(t *testing.T) {
	never := func(*http.Server) error { t.Error("served despite bad arguments"); return nil }
	for _, args := range [][]string{
		{"unknown.example"},
		{"example.com=no-such-provider"},
		{"bad domain=exmail"},
		{"alice@qq.com"},
	} {
		if o, _, _ := serveWith(t, "", nil, never, args...); o.code != 1 || o.stderr == "" {
			t.Errorf("serve %q: exit %d, stderr %q", args, o.code, o.stderr)
		}
	}
	if o, _, _ := serveWith(t, "", nil, never); o.code != 2 {
		t.Errorf("serve without domains: exit %d", o.code)
	}
	o, _, _ := serveWith(t, "", nil, func(*http.Server) error { return errors.New("address in use") }, "qq.com")
	if o.code != 1 || !strings.Contains(o.stderr, "address in use") {
		t.Errorf("listen error: exit %d, stderr %q", o.code, o.stderr)
	}
}

// TestServeHTTP: the real server loop listens and stops when the context
// ends.
func TestServeHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := &http.Server{Addr: "127.0.0.1:0", Handler: http.NotFoundHandler()}
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, srv) }()
	cancel()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("serveHTTP = %v", err)
	}
	if err := serveHTTP(context.Background(), &http.Server{Addr: "256.0.0.1:1"}); err == nil {
		t.Error("serveHTTP on a bad address succeeded")
	}
}
