package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
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

// get asks the handler under test for one document.
func get(t *testing.T, srv *httptest.Server, method, host, path, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Host = host
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestServe: every format for every domain, domains from arguments and
// standard input, flags after them.
func TestServe(t *testing.T) {
	closed := func(*http.Server) error { return http.ErrServerClosed }
	o, h, addr := serveWith(t, "example.org=google-workspace\n", nil, closed, "qq.com", "-addr", "127.0.0.1:0", "example.com=exmail", "-")
	if o.code != 0 || addr != "127.0.0.1:0" || h == nil || !strings.Contains(o.stderr, "Apple profiles for 3 domains") {
		t.Fatalf("exit %d, addr %q; stderr %s", o.code, addr, o.stderr)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for host, wantHost := range map[string]string{"autoconfig.qq.com": "imap.qq.com", "autoconfig.example.com": "imap.exmail.qq.com", "autoconfig.example.org": "imap.gmail.com"} {
		code, body := get(t, srv, "GET", host, "/mail/config-v1.1.xml", "")
		info, err := mailsettings.AutoconfigParser{}.Parse(bytes.NewReader(body))
		if err != nil || code != 200 {
			t.Fatalf("%s: status %d, %v", host, code, err)
		}
		if e := info.Endpoints[0]; e.Host != wantHost {
			t.Errorf("%s: first endpoint %v, want host %s", host, e, wantHost)
		}
	}
	request := `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request>` +
		`<EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`
	if code, body := get(t, srv, "POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", request); code != 200 ||
		!bytes.Contains(body, []byte("<Server>imap.exmail.qq.com</Server>")) || !bytes.Contains(body, []byte("<LoginName>alice@example.com</LoginName>")) {
		t.Errorf("Autodiscover: status %d\n%s", code, body)
	}
	if code, body := get(t, srv, "GET", "ua-auto-config.qq.com", "/.well-known/user-agent-configuration.json", ""); code != 200 || !bytes.Contains(body, []byte(`"imap":{"host":"imap.qq.com"}`)) {
		t.Errorf("PACC: status %d\n%s", code, body)
	}
	if code, body := get(t, srv, "GET", "autoconfig.qq.com", "/mail/config.mobileconfig", ""); code != 200 || !bytes.Contains(body, []byte("<string>com.apple.mail.managed</string>")) {
		t.Errorf("Apple profile: status %d\n%.200s", code, body)
	}
	o, _, _ = serveWith(t, "", map[string]string{"LANG": "zh_TW.UTF-8"}, closed, "qq.com")
	if !strings.Contains(o.stderr, "為 1 個網域提供autoconfig、Autodiscover") {
		t.Errorf("zh-Hant log line: %q", o.stderr)
	}
}

// TestServeRecords: the DNS records printed are those of the documents
// served.
func TestServeRecords(t *testing.T) {
	closed := func(*http.Server) error { return http.ErrServerClosed }
	o, h, _ := serveWith(t, "", nil, closed, "-target", "web.example.net.", "qq.com", "例子.中国=outlook")
	srv := httptest.NewServer(h)
	defer srv.Close()
	// The TXT record is the digest of the exact body served.
	_, body := get(t, srv, "GET", "ua-auto-config.qq.com", "/.well-known/user-agent-configuration.json", "")
	sum := sha256.Sum256(body)
	const idn = "xn--fsqu00a.xn--fiqs8s"
	for _, want := range []string{
		"autoconfig.qq.com. 3600 IN CNAME web.example.net.\n",
		"autodiscover.qq.com. 3600 IN CNAME web.example.net.\n",
		"ua-auto-config.qq.com. 3600 IN CNAME web.example.net.\n",
		`_ua-auto-config.qq.com. 3600 IN TXT "v=UAAC1; a=sha256; d=` + base64.StdEncoding.EncodeToString(sum[:]) + `"` + "\n",
		"_imaps._tcp.qq.com. 3600 IN SRV 0 0 993 imap.qq.com.\n",
		"_imap._tcp.qq.com. 3600 IN SRV 0 0 0 .\n",
		"_submission._tcp.qq.com. 3600 IN SRV 0 0 587 smtp.qq.com.\n",
		"autoconfig." + idn + ". 3600 IN CNAME web.example.net.\n",
		"_imaps._tcp." + idn + ". 3600 IN SRV 0 0 993 outlook.office365.com.\n",
		`; not served: mailsettings: cannot publish PACC of provider "outlook"`,
		`; not served: mailsettings: cannot publish Autodiscover of provider "outlook"`,
	} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, o.stdout)
		}
	}
	for _, unwanted := range []string{"ua-auto-config." + idn + ". ", "autodiscover." + idn + ". "} {
		if strings.Contains(o.stdout, unwanted) {
			t.Errorf("output has a record for %q, which is not served:\n%s", unwanted, o.stdout)
		}
	}
	// Without -target, the CNAME records are hints in comments.
	o, _, _ = serveWith(t, "", nil, closed, "qq.com")
	if strings.Contains(o.stdout, "\nautoconfig.qq.com.") || !strings.Contains(o.stdout, "; autoconfig.qq.com. 3600 IN CNAME <this server>.") {
		t.Errorf("without -target:\n%s", o.stdout)
	}
	for line := range strings.Lines(o.stdout) {
		if !strings.HasPrefix(line, ";") && !strings.HasPrefix(line, "_") {
			t.Errorf("without -target, a record that is not SRV or TXT: %q", line)
		}
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
