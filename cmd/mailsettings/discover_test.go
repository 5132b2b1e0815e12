package main

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// ispdbDoc is the ISP database's answer for ispdb-example.test; display
// is its display name.
func ispdbDoc(display string) string {
	return `<clientConfig version="1.1"><emailProvider id="ispdb-example.test"><domain>ispdb-example.test</domain>` +
		`<displayName>` + display + `</displayName>` +
		`<incomingServer type="imap"><hostname>imap.ispdb-example.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>` +
		`</emailProvider></clientConfig>`
}

// discoverWorld is a DNS server and an HTTPS ISP database on loopback, and
// the flags that send the command to them.
type discoverWorld struct {
	dns   *dnstest.Server
	flags []string
}

func newDiscoverWorld(t *testing.T, display string) discoverWorld {
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
		io.WriteString(w, ispdbDoc(display))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	return discoverWorld{dns, []string{"-resolver", dns.Addr, "-ca", caFile, "-ispdb", "https://ispdb.test:" + port + "/v1.1/"}}
}

// TestDiscoverJSON runs discover against the loopback world, through
// -resolver, -ca and -ispdb, with flags after the queries.
func TestDiscoverJSON(t *testing.T) {
	w := newDiscoverWorld(t, "ISPDB Example")
	o := runCmd(t, append([]string{"discover", "alice@example.test", "bob@ispdb-example.test", "nothing.test", "-json"}, w.flags...)...)
	if o.code != 1 {
		t.Errorf("exit %d, want 1 (nothing.test has nothing); stderr %s", o.code, o.stderr)
	}
	got := jsonLines(t, o.stdout)
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(got), o.stdout)
	}
	first := func(m map[string]any) map[string]any {
		c, _ := m["candidates"].([]any)
		if len(c) == 0 {
			return nil
		}
		return c[0].(map[string]any)
	}
	ep0 := func(c map[string]any) map[string]any { return c["endpoints"].([]any)[0].(map[string]any) }
	// The MX points at Tencent Exmail, not at consumer QQ Mail.
	if c := first(got[0]); c == nil || c["source"] != "mx" || c["provider"].(map[string]any)["id"] != "exmail" ||
		ep0(c)["host"] != "imap.exmail.qq.com" || ep0(c)["username"] != "alice@example.test" || c["trust"] != "unauthenticated" {
		t.Errorf("alice@example.test: %v", got[0])
	}
	if c := first(got[1]); c == nil || c["source"] != "ispdb" || c["trust"] != "authenticated" ||
		ep0(c)["host"] != "imap.ispdb-example.test" || ep0(c)["username"] != "bob@ispdb-example.test" {
		t.Errorf("bob@ispdb-example.test: %v", got[1])
	}
	if got[2]["query"] != "nothing.test" || len(got[2]["candidates"].([]any)) != 0 || !strings.Contains(got[2]["error"].(string), "no settings found") {
		t.Errorf("nothing.test: %v", got[2])
	}
	if !slices.Contains(w.dns.Names(), "ispdb.test") {
		t.Errorf("DNS server not asked about ispdb.test: %v", w.dns.Names())
	}
}

// countingResolver counts the questions it passes on.
type countingResolver struct {
	r     mailsettings.Resolver
	mu    sync.Mutex
	asked map[string]int
}

func (c *countingResolver) count(q string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asked == nil {
		c.asked = map[string]int{}
	}
	c.asked[q]++
}

func (c *countingResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	c.count("MX " + name)
	return c.r.LookupMX(ctx, name)
}

func (c *countingResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	c.count("SRV " + service + " " + proto + " " + name)
	return c.r.LookupSRV(ctx, service, proto, name)
}

func (c *countingResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	c.count("A " + host)
	return c.r.LookupIPAddr(ctx, host)
}

// TestDiscoverBulkCached: many addresses of one domain on standard input,
// worked on in parallel, make one discovery of it: no DNS question is
// asked more often than by the discovery of one address, and the answers
// come out in input order.
func TestDiscoverBulkCached(t *testing.T) {
	w := newDiscoverWorld(t, "ISPDB Example")
	flags := w.flags[2:] // -ca and -ispdb; the resolver comes from the environment
	count := func(stdin string) map[string]int {
		cr := &countingResolver{r: w.dns.Resolver()}
		o := opts{stdin: stdin, net: netBase{resolver: cr}}.run(t, append([]string{"discover", "-json", "-parallel", "4", "-"}, flags...)...)
		got := jsonLines(t, o.stdout)
		if o.code != 0 || len(got) != strings.Count(stdin, "\n") {
			t.Fatalf("exit %d, %d lines; stderr %s", o.code, len(got), o.stderr)
		}
		for i, m := range got {
			if want := string(rune('a'+i)) + "@example.test"; m["query"] != want || len(m["candidates"].([]any)) == 0 {
				t.Errorf("line %d is for %v, want %s (input order) with a candidate", i, m["query"], want)
			}
		}
		return cr.asked
	}
	one := count("a@example.test\n")
	var in strings.Builder
	for _, u := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		in.WriteString(u + "@example.test\n")
	}
	eight := count(in.String())
	if len(one) == 0 {
		t.Fatal("no DNS question")
	}
	for q, n := range eight {
		if n > one[q] {
			t.Errorf("%s asked %d times for 8 addresses of one domain, %d times for one", q, n, one[q])
		}
	}
}

// TestDiscoverTable: the text form, in Simplified Chinese from LANG.
func TestDiscoverTable(t *testing.T) {
	w := newDiscoverWorld(t, "ISPDB Example")
	o := opts{env: map[string]string{"LANG": "zh_CN.UTF-8"}}.run(t, append([]string{"discover", "carol@srv.test", "alice@example.test"}, w.flags...)...)
	if o.code != 0 {
		t.Errorf("exit %d; stderr %s", o.code, o.stderr)
	}
	for _, want := range []string{"1. 来源 srv，可信度 in-domain", "imap.srv.test", "carol@srv.test",
		"1. 来源 mx，可信度 unauthenticated", "imap.exmail.qq.com", "未经DNSSEC验证", "协议", "用户名", "个候选配置"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, o.stdout)
		}
	}
	o = opts{env: map[string]string{"LANG": "zh_TW.UTF-8"}}.run(t, append([]string{"discover", "carol@srv.test"}, w.flags...)...)
	for _, want := range []string{"1. 來源 srv", "協定", "使用者名稱"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("zh-Hant output lacks %q:\n%s", want, o.stdout)
		}
	}
}

// TestDiscoverHostileDocument: a display name with a bidi override and a
// C1 control reaches neither the table nor the JSON raw.
func TestDiscoverHostileDocument(t *testing.T) {
	w := newDiscoverWorld(t, "Evil&#x202E;moc.liam&#x9B;31m source builtin, trust curated")
	for _, args := range [][]string{{"discover", "bob@ispdb-example.test"}, {"discover", "-json", "bob@ispdb-example.test"}} {
		o := runCmd(t, append(args, w.flags...)...)
		for _, s := range []string{o.stdout, o.stderr} {
			if strings.ContainsAny(s, "\u202e\u009b\x1b") {
				t.Errorf("%q: raw control in output:\n%q", args, s)
			}
		}
	}
}

// TestDiscoverResolverCoversGuesses: with -guess, the guessing probes'
// DNS questions go to -resolver too, and nothing outside the queried
// domain is asked.
func TestDiscoverResolverCoversGuesses(t *testing.T) {
	dns := dnstest.NewServer(t)
	o := runCmd(t, "discover", "-resolver", dns.Addr, "-no-ispdb", "-guess", "-timeout", "60s", "frank@guess.test")
	if o.code != 1 {
		t.Errorf("exit %d, want 1; output %s %s", o.code, o.stdout, o.stderr)
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
	if !strings.Contains(o.stderr, "frank@guess.test") || strings.Contains(o.stdout, "mailsettings discover:") {
		t.Errorf("the error is not on standard error only: stdout %q stderr %q", o.stdout, o.stderr)
	}
}

// TestDiscoverInvalid: an invalid query is a failed line, like lookup's.
func TestDiscoverInvalid(t *testing.T) {
	o := runCmd(t, "discover", "-json", "-no-ispdb", "al..ice@example.test")
	got := jsonLines(t, o.stdout)
	if o.code != 1 || len(got) != 1 || len(got[0]) != 2 || !strings.Contains(got[0]["error"].(string), "two dots") {
		t.Errorf("exit %d, %v", o.code, got)
	}
}

// TestDiscoverProgress: with standard error a terminal and queries on
// standard input, a long run shows a progress line there, and removes it;
// without a terminal there is none.
func TestDiscoverProgress(t *testing.T) {
	w := newDiscoverWorld(t, "ISPDB Example")
	w.dns.SetDelay(700 * time.Millisecond)
	in := "a@example.test\nb@srv.test\n"
	o := opts{stdin: in, tty: true}.run(t, append([]string{"discover", "-json", "-parallel", "1", "-"}, w.flags...)...)
	if !strings.Contains(o.stderr, "\r") || !strings.Contains(o.stderr, "done, 0 failed") || !strings.HasSuffix(o.stderr, "\r\x1b[K") {
		t.Errorf("terminal: stderr %q", o.stderr)
	}
	if len(jsonLines(t, o.stdout)) != 2 {
		t.Errorf("stdout %q", o.stdout)
	}
	w.dns.SetDelay(0)
	o = opts{stdin: in}.run(t, append([]string{"discover", "-json", "-"}, w.flags...)...)
	if o.stderr != "" {
		t.Errorf("no terminal: stderr %q", o.stderr)
	}
}
