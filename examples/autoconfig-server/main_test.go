package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestServe(t *testing.T) {
	var served http.Handler
	var addr string
	var stderr bytes.Buffer
	code := run([]string{"-addr", "127.0.0.1:0", "qq.com", "example.com=exmail"}, &stderr, func(a string, h http.Handler) error {
		addr, served = a, h
		return http.ErrServerClosed
	})
	if code != 0 || addr != "127.0.0.1:0" || served == nil {
		t.Fatalf("run = %d, addr %q; stderr %s", code, addr, stderr.String())
	}
	srv := httptest.NewServer(served)
	defer srv.Close()
	for host, wantHost := range map[string]string{"autoconfig.qq.com": "imap.qq.com", "autoconfig.example.com": "imap.exmail.qq.com"} {
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
}

func TestRunErrors(t *testing.T) {
	never := func(string, http.Handler) error { t.Error("served despite bad arguments"); return nil }
	for _, args := range [][]string{
		{},
		{"unknown.example"},
		{"example.com=no-such-provider"},
		{"bad domain=exmail"},
	} {
		var stderr bytes.Buffer
		if code := run(args, &stderr, never); code == 0 {
			t.Errorf("run(%q) = 0, want failure", args)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"qq.com"}, &stderr, func(string, http.Handler) error { return errors.New("address in use") }); code != 1 ||
		!strings.Contains(stderr.String(), "address in use") {
		t.Errorf("listen error: code %d, stderr %q", code, stderr.String())
	}
}
