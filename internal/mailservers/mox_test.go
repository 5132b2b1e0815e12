package mailservers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/dnstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the servers' answers")

// The golden files of mox's answers, for the readers of autoconfig and
// Autodiscover. They are mox v0.0.15's bytes, except that the listener
// ports, random in the tests, are written as the standard ones.
const (
	// GET https://autoconfig.DOMAIN/mail/config-v1.1.xml
	moxAutoconfigGolden = "testdata/mox-autoconfig.xml"
	// The same with ?emailaddress=ADDRESS: mox writes the address itself
	// as <username>.
	moxAutoconfigAddressGolden = "testdata/mox-autoconfig-emailaddress.xml"
	// POST https://DOMAIN/autodiscover/autodiscover.xml with
	// autodiscoverRequest. mox answers the same at autoconfig.DOMAIN, and
	// 404 at autodiscover.DOMAIN.
	moxAutodiscoverGolden = "testdata/mox-autodiscover-response.xml"
	// The output of "mox config dnsrecords DOMAIN".
	moxDNSRecordsGolden = "testdata/mox-dnsrecords.zone"
)

// autodiscoverRequest is the request Outlook sends (MS-OXDSCLI 2006 POX
// schema), as a client without credentials would send it.
const autodiscoverRequest = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>` + goUser + `</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`

func TestMox(t *testing.T) {
	c, p := goServerConfig(t)
	start := time.Now()
	m := StartMox(t, c)
	t.Logf("mox ready in %v: imap %s imaps %s submission %s submissions %s https %s",
		time.Since(start).Round(time.Millisecond), m.IMAP, m.IMAPS, m.Submission, m.Submissions, m.HTTPS)

	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, m.IMAPS},
		{"imap-starttls", imap, stls, m.IMAP},
		{"submissions", submission, itls, m.Submissions},
		{"submission-starttls", submission, stls, m.Submission},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probeGoServer(t, p, endpointAt(t, tc.proto, tc.enc, probeHost, tc.addr))
		})
	}
	t.Run("autoconfig-golden", func(t *testing.T) {
		body := moxHTTPS(t, p.TLSConfig.RootCAs, m, http.MethodGet, "autoconfig."+probeDomain, "/mail/config-v1.1.xml", "")
		checkGolden(t, moxAutoconfigGolden, normalizeMoxPorts(t, m, body))
		body = moxHTTPS(t, p.TLSConfig.RootCAs, m, http.MethodGet, "autoconfig."+probeDomain, "/mail/config-v1.1.xml?emailaddress="+url.QueryEscape(goUser), "")
		checkGolden(t, moxAutoconfigAddressGolden, normalizeMoxPorts(t, m, body))
		if want := "<username>" + goUser + "</username>"; !strings.Contains(string(body), want) {
			t.Errorf("autoconfig for %s lacks %s:\n%s", goUser, want, body)
		}
	})
	t.Run("autodiscover-golden", func(t *testing.T) {
		// mox answers Autodiscover at DOMAIN and autoconfig.DOMAIN, the
		// names its autoconfig listener serves.
		body := moxHTTPS(t, p.TLSConfig.RootCAs, m, http.MethodPost, probeDomain, "/autodiscover/autodiscover.xml", autodiscoverRequest)
		body = normalizeMoxPorts(t, m, body)
		checkGolden(t, moxAutodiscoverGolden, body)
		if other := moxHTTPS(t, p.TLSConfig.RootCAs, m, http.MethodPost, "autoconfig."+probeDomain, "/autodiscover/autodiscover.xml", autodiscoverRequest); !bytes.Equal(normalizeMoxPorts(t, m, other), body) {
			t.Errorf("Autodiscover at autoconfig.%s differs from the one at %[1]s:\n%s", probeDomain, other)
		}
		// Also without the golden file: the answer names mox's host, its
		// implicit-TLS ports and the address as login name.
		for _, want := range []string{
			"<Server>" + probeHost + "</Server>", "<Port>993</Port>", "<Port>465</Port>",
			"<LoginName>" + goUser + "</LoginName>", "<SSL>on</SSL>",
		} {
			if !strings.Contains(string(body), want) {
				t.Errorf("Autodiscover response lacks %s:\n%s", want, body)
			}
		}
	})

	records := moxZone(t, m)
	t.Run("dnsrecords-golden", func(t *testing.T) {
		checkGolden(t, moxDNSRecordsGolden, []byte(m.DNSRecords(t)))
	})
	t.Run("discover-autoconfig", func(t *testing.T) {
		dns := dnstest.NewServer(t, records...)
		d := &mailsettings.Discoverer{
			Resolver:  dns.Resolver(),
			Dialer:    mapDialer{"127.0.0.1:443": m.HTTPS},
			TLSConfig: &tls.Config{RootCAs: p.TLSConfig.RootCAs},
			NoISPDB:   true,
		}
		disc, err := d.Discover(probeContext(t), goUser)
		if err != nil {
			t.Fatalf("Discover: %v (%v)", err, disc.Errors)
		}
		best, _ := disc.Best()
		if best.Source != "autoconfig" {
			t.Fatalf("best candidate from %v (%s), want autoconfig; errors %v", best.Source, best.URL, disc.Errors)
		}
		if want := "https://autoconfig." + probeDomain + "/mail/config-v1.1.xml"; !strings.HasPrefix(best.URL, want) {
			t.Errorf("URL = %q, want %s", best.URL, want)
		}
		wantEndpoints(t, best.Endpoints(),
			mailsettings.ServerEndpoint{Protocol: imap, Host: probeHost, Port: portOf(t, m.IMAPS), Encryption: itls, Username: mailsettings.UsernameAddress},
			mailsettings.ServerEndpoint{Protocol: submission, Host: probeHost, Port: portOf(t, m.Submissions), Encryption: itls, Username: mailsettings.UsernameAddress},
		)
		if u := best.Username(best.Endpoints()[0]); u != goUser {
			t.Errorf("Username = %q, want %s", u, goUser)
		}
		// What mox advertises works with the password.
		for _, e := range best.Endpoints() {
			checkLogin(t, p, e, goUser, goPassword, loginOK)
		}
	})
	t.Run("discover-autodiscover", func(t *testing.T) {
		// mox also answers Exchange Autodiscover, at DOMAIN (not at
		// autodiscover.DOMAIN). Without its autoconfig name, that is the
		// best answer, with the same servers.
		var zone []string
		for _, r := range records {
			if !strings.HasPrefix(r, "autoconfig.") {
				zone = append(zone, r)
			}
		}
		dns := dnstest.NewServer(t, append(zone, probeDomain+". A 127.0.0.1")...)
		d := &mailsettings.Discoverer{
			Resolver:  dns.Resolver(),
			Dialer:    mapDialer{"127.0.0.1:443": m.HTTPS},
			TLSConfig: &tls.Config{RootCAs: p.TLSConfig.RootCAs},
			NoISPDB:   true,
		}
		disc, err := d.Discover(probeContext(t), goUser)
		if err != nil {
			t.Fatalf("Discover: %v (%v)", err, disc.Errors)
		}
		best, _ := disc.Best()
		if best.Source != "autodiscover" || best.Trust != mailsettings.TrustAuthenticated ||
			best.URL != "https://"+probeDomain+"/autodiscover/autodiscover.xml" {
			t.Fatalf("best candidate %v %v %s, want Autodiscover; errors %v", best.Source, best.Trust, best.URL, disc.Errors)
		}
		wantEndpoints(t, best.Endpoints(),
			mailsettings.ServerEndpoint{Protocol: imap, Host: probeHost, Port: portOf(t, m.IMAPS), Encryption: itls, Username: mailsettings.UsernameAddress},
			mailsettings.ServerEndpoint{Protocol: submission, Host: probeHost, Port: portOf(t, m.Submissions), Encryption: itls, Username: mailsettings.UsernameAddress},
		)
		for _, e := range best.Endpoints() {
			checkLogin(t, p, e, best.Username(e), goPassword, loginOK)
		}
	})
	t.Run("discover-srv", func(t *testing.T) {
		dns := dnstest.NewServer(t, records...)
		// No autoconfig (its port refuses), so the SRV records answer.
		d := &mailsettings.Discoverer{
			Resolver:  dns.Resolver(),
			Dialer:    mapDialer{"127.0.0.1:443": ""},
			TLSConfig: &tls.Config{RootCAs: p.TLSConfig.RootCAs},
			NoISPDB:   true,
		}
		disc, err := d.Discover(probeContext(t), goUser)
		if err != nil {
			t.Fatalf("Discover: %v (%v)", err, disc.Errors)
		}
		best, _ := disc.Best()
		if best.Source != "srv" {
			t.Fatalf("best candidate from %v (%s), want srv; errors %v", best.Source, best.URL, disc.Errors)
		}
		// mox publishes implicit TLS only, on the standard ports, and "."
		// for IMAP with STARTTLS, submission with STARTTLS and POP3.
		wantEndpoints(t, best.Endpoints(),
			mailsettings.ServerEndpoint{Protocol: imap, Host: probeHost, Port: 993, Encryption: itls, Username: mailsettings.UsernameAddress},
			mailsettings.ServerEndpoint{Protocol: submission, Host: probeHost, Port: 465, Encryption: itls, Username: mailsettings.UsernameAddress},
		)
		// Probe them, with the standard ports mapped to mox's.
		sp := &mailsettings.Prober{
			Resolver: p.Resolver, TLSConfig: p.TLSConfig, Timeout: p.Timeout,
			Dialer: mapDialer{"127.0.0.1:993": m.IMAPS, "127.0.0.1:465": m.Submissions},
		}
		for _, e := range best.Endpoints() {
			checkLogin(t, sp, e, best.Username(e), goPassword, loginOK)
		}
	})
}

// moxZone returns the records "mox config dnsrecords" prints, as lines
// for dnstest, and checks that the SRV records are there. The test's DNS
// server does not follow CNAMEs, so for each CNAME the address of its
// target is added under the alias too, as a recursive resolver would
// answer; and the host name gets 127.0.0.1.
func moxZone(t *testing.T, m *Mox) []string {
	t.Helper()
	text := m.DNSRecords(t)
	records := []string{probeHost + ". A 127.0.0.1"}
	var srv []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, ";") || strings.HasPrefix(line, "$") {
			continue
		}
		records = append(records, line)
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[1] == "CNAME" && f[2] == probeHost+".":
			records = append(records, f[0]+" A 127.0.0.1")
		case len(f) >= 2 && f[1] == "SRV":
			srv = append(srv, strings.Join(f, " "))
		}
	}
	for _, want := range []string{
		"_imaps._tcp." + probeDomain + ". SRV 0 1 993 " + probeHost + ".",
		"_submissions._tcp." + probeDomain + ". SRV 0 1 465 " + probeHost + ".",
		"_imap._tcp." + probeDomain + ". SRV 0 0 0 .",
		"_pop3s._tcp." + probeDomain + ". SRV 0 0 0 .",
	} {
		if !slices.Contains(srv, want) {
			t.Errorf("mox config dnsrecords has no %q; its SRV records: %q", want, srv)
		}
	}
	if t.Failed() {
		t.Fatalf("mox config dnsrecords:\n%s", text)
	}
	return records
}

// wantEndpoints checks that got are the endpoints want, in any order.
func wantEndpoints(t *testing.T, got []mailsettings.ServerEndpoint, want ...mailsettings.ServerEndpoint) {
	t.Helper()
	sortEP := func(s []mailsettings.ServerEndpoint) []mailsettings.ServerEndpoint {
		s = slices.Clone(s)
		slices.SortFunc(s, func(a, b mailsettings.ServerEndpoint) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		return s
	}
	if !slices.Equal(sortEP(got), sortEP(want)) {
		t.Errorf("endpoints:\n got %v\nwant %v", got, want)
	}
}

// moxHTTPS sends a request to mox's autoconfig listener for host and
// returns the body of its 200 answer. Every connection goes to mox.
func moxHTTPS(t *testing.T, roots *x509.CertPool, m *Mox, method, host, path, body string) []byte {
	t.Helper()
	client := &http.Client{
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, network, m.HTTPS)
			},
			TLSClientConfig: &tls.Config{RootCAs: roots},
		},
		Timeout: probeTimeout,
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(probeContext(t), method, "https://"+host+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s https://%s%s: %v", method, host, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s https://%s%s: %s\n%s", method, host, path, resp.Status, b)
	}
	return b
}

// normalizeMoxPorts writes mox's random IMAPS and Submissions ports in
// body as 993 and 465.
func normalizeMoxPorts(t *testing.T, m *Mox, body []byte) []byte {
	t.Helper()
	for _, r := range []struct {
		addr string
		std  int
	}{{m.IMAPS, 993}, {m.Submissions, 465}} {
		port := portOf(t, r.addr)
		for _, tag := range []string{"port", "Port"} {
			body = bytes.ReplaceAll(body, fmt.Appendf(nil, "<%s>%d</%s>", tag, port, tag), fmt.Appendf(nil, "<%s>%d</%s>", tag, r.std, tag))
		}
	}
	return body
}

// checkGolden compares got with the golden file, or rewrites the file
// with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to write it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("answer differs from %s (run with -update if the server changed on purpose):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
