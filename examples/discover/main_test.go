package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// TestRunEndToEnd runs the command against a DNS server and an HTTPS ISP
// database on loopback, through -resolver and -ca.
func TestRunEndToEnd(t *testing.T) {
	dns := dnstest.NewServer(t,
		"ispdb.test. A 127.0.0.1",
		"example.test. MX 10 mxbiz1.qq.com.",
		"_imaps._tcp.srv.test. SRV 0 1 993 imap.srv.test.",
	)
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("ispdb.test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1.1/ispdb-example.test" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `<clientConfig version="1.1"><emailProvider id="ispdb-example.test"><domain>ispdb-example.test</domain>`+
			`<incomingServer type="imap"><hostname>imap.ispdb-example.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>`+
			`</emailProvider></clientConfig>`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	flags := []string{"-resolver", dns.Addr, "-ca", caFile, "-ispdb", "https://ispdb.test:" + port + "/v1.1/"}

	var out, errOut bytes.Buffer
	code := run(append(append([]string{"-json"}, flags...), "alice@example.test", "bob@ispdb-example.test", "nothing.test"), &out, &errOut)
	if code != 1 {
		t.Errorf("exit status %d, want 1 (nothing.test has nothing); stderr %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out.String())
	}
	type endpoint struct {
		Protocol, Host, Encryption, Username string
		Port                                 int
	}
	type result struct {
		Query      string
		Error      string
		Candidates []struct {
			Query, Source, Trust, URL string
			Reasons                   []string
			Provider                  struct{ ID string }
			Endpoints                 []endpoint
		}
	}
	var got []result
	for _, l := range lines {
		var v result
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		got = append(got, v)
	}
	// The MX points at Tencent Exmail, not at consumer QQ Mail.
	if c := got[0].Candidates; len(c) != 1 || c[0].Source != "mx" || c[0].Provider.ID != "exmail" ||
		c[0].Endpoints[0].Host != "imap.exmail.qq.com" || c[0].Endpoints[0].Username != "alice@example.test" || c[0].Trust != "unauthenticated" {
		t.Errorf("alice@example.test: %s", lines[0])
	}
	if c := got[1].Candidates; len(c) != 1 || c[0].Source != "ispdb" || c[0].Trust != "authenticated" ||
		c[0].Endpoints[0] != (endpoint{"imap", "imap.ispdb-example.test", "tls", "bob@ispdb-example.test", 993}) {
		t.Errorf("bob@ispdb-example.test: %s", lines[1])
	}
	if got[2].Query != "nothing.test" || len(got[2].Candidates) != 0 || !strings.Contains(got[2].Error, "no settings found") {
		t.Errorf("nothing.test: %s", lines[2])
	}
	// The HTTP request's host name was resolved through -resolver.
	if !slices.Contains(dns.Names(), "ispdb.test") {
		t.Errorf("DNS server not asked about ispdb.test: %v", dns.Names())
	}

	out.Reset()
	if code := run(append(flags, "-lang", "zh", "carol@srv.test", "alice@example.test"), &out, &errOut); code != 0 {
		t.Errorf("exit status %d", code)
	}
	for _, want := range []string{"1. source srv, trust in-domain", "imap.srv.test", "carol@srv.test",
		"1. source mx, trust unauthenticated", "imap.exmail.qq.com", "未经DNSSEC验证"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunResolverCoversProbes: with -guess, the guessing probes' DNS
// questions go to -resolver too, fully qualified, and nothing outside the
// queried domain (and the ISP database) is asked.
func TestRunResolverCoversProbes(t *testing.T) {
	dns := dnstest.NewServer(t)
	var out, errOut bytes.Buffer
	code := run([]string{"-resolver", dns.Addr, "-no-ispdb", "-guess", "-timeout", "60s", "frank@guess.test"}, &out, &errOut)
	if code != 1 {
		t.Errorf("exit status %d, want 1; output %s %s", code, out.String(), errOut.String())
	}
	names := dns.Names()
	for _, want := range []string{"imap.guess.test", "pop.guess.test", "smtp.guess.test", "mail.guess.test", "guess.test", "autoconfig.guess.test"} {
		if !slices.Contains(names, want) {
			t.Errorf("DNS server not asked about %s: %q", want, names)
		}
	}
	for _, n := range names {
		if n != "guess.test" && !strings.HasSuffix(n, ".guess.test") {
			t.Errorf("asked about %q", n)
		}
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, &out, &errOut); code != 2 {
		t.Errorf("no arguments: exit status %d", code)
	}
	if code := run([]string{"-ca", "/nonexistent", "x.test"}, &out, &errOut); code != 2 {
		t.Errorf("bad -ca: exit status %d", code)
	}
	if code := run([]string{"-resolver", "nonsense", "x.test"}, &out, &errOut); code != 2 {
		t.Errorf("bad -resolver: exit status %d", code)
	}
}
