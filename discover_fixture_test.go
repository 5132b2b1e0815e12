package mailsettings

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/mailsettings/mailsettings/internal/testca"
)

// A fixture is a small Internet on loopback: a real DNS server (miekg/dns)
// and an HTTPS and an HTTP server whose certificate, issued by a test CA,
// covers the fixture's domains. Every connection the discoverer makes to
// port 443 goes to the HTTPS server and port 80 to the HTTP server, after
// the host name was resolved through the DNS server, so the DNS questions
// and the HTTP requests are both recorded.
type fixture struct {
	t     testing.TB
	dns   *dnstest.Server
	ca    *testca.CA
	https *httptest.Server
	http  *httptest.Server

	mu       sync.Mutex
	routes   map[string]http.HandlerFunc // "https://host/path" -> handler
	requests []string                    // "https://host/path?query"
	dialed   []string
}

// newFixture serves the given domains (and their subdomains) over HTTPS,
// with records in zone-file syntax. ispdb.test is always resolvable.
func newFixture(t testing.TB, domains []string, records ...string) *fixture {
	t.Helper()
	f := &fixture{t: t, routes: map[string]http.HandlerFunc{}}
	f.dns = dnstest.NewServer(t, append([]string{"ispdb.test. A 127.0.0.1"}, records...)...)
	ca, err := testca.New()
	if err != nil {
		t.Fatal(err)
	}
	f.ca = ca
	names := []string{"ispdb.test"}
	for _, d := range domains {
		names = append(names, d, "*."+d)
	}
	leaf, err := ca.Issue(names...)
	if err != nil {
		t.Fatal(err)
	}
	quiet := log.New(io.Discard, "", 0)
	f.https = httptest.NewUnstartedServer(http.HandlerFunc(f.serveHTTP))
	f.https.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	f.https.Config.ErrorLog = quiet
	f.https.StartTLS()
	t.Cleanup(f.https.Close)
	f.http = httptest.NewUnstartedServer(http.HandlerFunc(f.serveHTTP))
	f.http.Config.ErrorLog = quiet
	f.http.Start()
	t.Cleanup(f.http.Close)
	return f
}

func (f *fixture) serveHTTP(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	key := scheme + "://" + r.Host + r.URL.Path
	f.mu.Lock()
	f.requests = append(f.requests, key+queryOf(r))
	h := f.routes[key]
	f.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func queryOf(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

// handle serves url ("https://host/path") with h.
func (f *fixture) handle(url string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[url] = h
}

// serveDoc serves an autoconfig document at url.
func (f *fixture) serveDoc(url, doc string) {
	f.handle(url, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, doc)
	})
}

// DialContext sends port 443 to the HTTPS server and port 80 to the HTTP
// server, and refuses everything else.
func (f *fixture) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	f.mu.Lock()
	f.dialed = append(f.dialed, addr)
	f.mu.Unlock()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	switch port {
	case "443":
		return d.DialContext(ctx, network, f.https.Listener.Addr().String())
	case "80":
		return d.DialContext(ctx, network, f.http.Listener.Addr().String())
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("fixture: nothing listens on %s", addr)}
}

// discoverer returns a Discoverer that uses only the fixture.
func (f *fixture) discoverer() *Discoverer {
	return &Discoverer{
		Resolver:  f.dns.Resolver(),
		Dialer:    f,
		TLSConfig: &tls.Config{RootCAs: f.ca.Pool()},
		ISPDBURL:  "https://ispdb.test/v1.1/",
	}
}

// requested returns the HTTP requests made, sorted, without repeats.
func (f *fixture) requested() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := slices.Clone(f.requests)
	slices.Sort(r)
	return slices.Compact(r)
}

// checkContacted asserts that every DNS name asked and every HTTP request
// made is in allowed, and that each of required was asked or made.
// Entries are DNS names ("autoconfig.example.test") or request URLs
// ("https://autoconfig.example.test/mail/config-v1.1.xml").
func (f *fixture) checkContacted(t testing.TB, required, allowed []string) {
	t.Helper()
	got := append(f.dns.Names(), f.requested()...)
	for _, g := range got {
		if !slices.Contains(allowed, g) && !slices.Contains(required, g) {
			t.Errorf("contacted %q, which is not allowed", g)
		}
	}
	for _, r := range required {
		if !slices.Contains(got, r) {
			t.Errorf("did not contact %q; contacted %q", r, got)
		}
	}
}

// configDoc returns an autoconfig document for domain with the given server
// entries; an empty servers gives IMAP and SMTP under domain.
func configDoc(domain string, servers ...string) string {
	if len(servers) == 0 {
		servers = []string{
			configServer("imap", "imap."+domain, "993", "SSL"),
			configServer("smtp", "smtp."+domain, "465", "SSL"),
		}
	}
	return `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="` + domain + `"><domain>` + domain +
		`</domain><displayName>` + domain + ` mail</displayName>` + strings.Join(servers, "") + `</emailProvider></clientConfig>`
}

func configServer(typ, host, port, socket string) string {
	dir := "incomingServer"
	if typ == "smtp" {
		dir = "outgoingServer"
	}
	return fmt.Sprintf(`<%s type="%s"><hostname>%s</hostname><port>%s</port><socketType>%s</socketType><username>%%EMAILADDRESS%%</username></%s>`,
		dir, typ, host, port, socket, dir)
}

// standardNames returns the DNS names a discovery of domain may ask about
// on its own: the SRV and MX names, and the hosts of its autoconfig URLs
// and of the ISPDB.
func standardNames(domain string) []string {
	names := []string{domain, "autoconfig." + domain, "ispdb.test", "ua-auto-config." + domain, "_ua-auto-config." + domain, "autodiscover." + domain}
	for _, s := range srvServices() {
		names = append(names, "_"+s.label+"._tcp."+domain)
	}
	return names
}

// standardURLs returns the HTTPS URLs a discovery of domain may request.
func standardURLs(domain string) []string {
	return []string{
		"https://autoconfig." + domain + "/mail/config-v1.1.xml",
		"https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml",
		"https://ispdb.test/v1.1/" + domain,
		"https://ua-auto-config." + domain + "/.well-known/user-agent-configuration.json",
		"https://autodiscover." + domain + "/autodiscover/autodiscover.xml",
		"https://" + domain + "/autodiscover/autodiscover.xml",
	}
}

// hosts returns the host names of the candidate's endpoints.
func hosts(c Candidate) []string {
	var hs []string
	for _, e := range c.Endpoints() {
		if !slices.Contains(hs, e.Host) {
			hs = append(hs, e.Host)
		}
	}
	return hs
}

// noTrustedEvil fails if any candidate at TrustInDomain or above names a
// host under evil.
func noTrustedEvil(t testing.TB, disc Discovery, evil string) {
	t.Helper()
	for _, c := range disc.Candidates {
		for _, h := range hosts(c) {
			if inDomain(h, evil) && c.Trust >= TrustInDomain {
				t.Errorf("trusted (%v) candidate from %v names %s", c.Trust, c.Source, h)
			}
		}
	}
	if best, ok := disc.Best(); ok {
		for _, h := range hosts(best) {
			if inDomain(h, evil) && best.Trust > TrustUnauthenticated {
				t.Errorf("best candidate names %s", h)
			}
		}
	}
}
