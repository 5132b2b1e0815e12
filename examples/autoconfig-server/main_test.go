package main

import (
	"bytes"
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

// start runs the command with args and returns its handler on a test
// server and what it printed on standard output.
func start(t *testing.T, args ...string) (*httptest.Server, string) {
	t.Helper()
	var served http.Handler
	var addr string
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-addr", "127.0.0.1:0"}, args...), &stdout, &stderr, func(a string, h http.Handler) error {
		addr, served = a, h
		return http.ErrServerClosed
	})
	if code != 0 || addr != "127.0.0.1:0" || served == nil {
		t.Fatalf("run = %d, addr %q; stderr %s", code, addr, stderr.String())
	}
	srv := httptest.NewServer(served)
	t.Cleanup(srv.Close)
	return srv, stdout.String()
}

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

func TestServe(t *testing.T) {
	srv, _ := start(t, "qq.com", "example.com=exmail")
	for host, wantHost := range map[string]string{"autoconfig.qq.com": "imap.qq.com", "autoconfig.example.com": "imap.exmail.qq.com"} {
		code, body := get(t, srv, "GET", host, "/mail/config-v1.1.xml", "")
		info, err := mailsettings.ParseAutoconfig(bytes.NewReader(body))
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
}

func TestRecords(t *testing.T) {
	srv, out := start(t, "-target", "web.example.net.", "qq.com", "例子.中国=outlook")
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
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"ua-auto-config." + idn + ". ", "autodiscover." + idn + ". "} {
		if strings.Contains(out, unwanted) {
			t.Errorf("output has a record for %q, which is not served:\n%s", unwanted, out)
		}
	}
	// Without -target, the CNAME records are hints in comments.
	_, out = start(t, "qq.com")
	if strings.Contains(out, "\nautoconfig.qq.com.") || !strings.Contains(out, "; autoconfig.qq.com. 3600 IN CNAME <this server>.") {
		t.Errorf("without -target:\n%s", out)
	}
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, ";") && !strings.HasPrefix(line, "_") {
			t.Errorf("without -target, a record that is not SRV or TXT: %q", line)
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
		{"alice@qq.com"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr, never); code == 0 {
			t.Errorf("run(%q) = 0, want failure", args)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"qq.com"}, &stdout, &stderr, func(string, http.Handler) error { return errors.New("address in use") }); code != 1 ||
		!strings.Contains(stderr.String(), "address in use") {
		t.Errorf("listen error: code %d, stderr %q", code, stderr.String())
	}
}
