package mailsettings

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// TestTrustUnverifiedTLS checks that an HTTPS answer is authenticated only
// when its certificate chain was verified: a caller's HTTPClient whose
// transport skips verification gives an unauthenticated candidate that
// says why, and one that verifies gives an authenticated one.
func TestTrustUnverifiedTLS(t *testing.T) {
	for _, skip := range []bool{true, false} {
		f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
		f.serveDoc("https://autoconfig.example.test"+acPath, configDoc("example.test"))
		d := f.discoverer()
		d.NoISPDB = true
		tc := &tls.Config{InsecureSkipVerify: skip}
		if !skip {
			tc = &tls.Config{RootCAs: f.ca.Pool()}
		}
		d.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: f.DialContext, TLSClientConfig: tc}}
		disc, err := d.Discover(t.Context(), "alice@example.test")
		if err != nil {
			t.Fatal(err)
		}
		best, _ := disc.Best()
		want, reasons := TrustAuthenticated, []Reason{reasonHTTPSInDomain}
		if skip {
			want, reasons = TrustUnauthenticated, []Reason{reasonTLSUnverified}
		}
		if best.Source != sourceAutoconfig || best.Trust != want || !slices.Equal(best.Reasons, reasons) {
			t.Errorf("InsecureSkipVerify=%v: best = %v %v %v, want %v %v", skip, best.Source, best.Trust, best.Reasons, want, reasons)
		}
	}
}

// TestTrustWaitsForAuthenticatedSource checks that a fast answer of low
// trust (SRV records naming another domain's servers) does not end a
// discovery while a slower source that could answer with authentication
// (HTTPS autoconfig) still runs, and that the authenticated answer ranks
// first.
func TestTrustWaitsForAuthenticatedSource(t *testing.T) {
	const delay = 300 * time.Millisecond
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1",
		"_imaps._tcp.example.test. SRV 0 1 993 imap.elsewhere.test.")
	f.handle("https://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Write([]byte(configDoc("example.test")))
	})
	d := f.discoverer()
	d.NoISPDB = true
	start := time.Now()
	disc, err := d.Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("returned after %v, before the authenticated source could answer (%v)", took, delay)
	}
	best, _ := disc.Best()
	if best.Source != sourceAutoconfig || best.Trust != TrustAuthenticated {
		t.Errorf("best = %v %v, want autoconfig authenticated", best.Source, best.Trust)
	}
	if slices.Contains(disc.Unfinished, sourceAutoconfig) {
		t.Errorf("autoconfig was cut short: unfinished %v", disc.Unfinished)
	}
	var srv *Candidate
	for i, c := range disc.Candidates {
		if c.Source == sourceSRV {
			srv = &disc.Candidates[i]
		}
	}
	if srv == nil || srv.Trust != TrustUnauthenticated || !slices.Contains(srv.Reasons, reasonHostOutsideDomain) {
		t.Errorf("SRV candidate = %+v", srv)
	}
	for i := 1; i < len(disc.Candidates); i++ {
		if compareCandidates(disc.Candidates[i-1], disc.Candidates[i]) > 0 {
			t.Errorf("candidates not ranked by trust, then source: %v before %v", disc.Candidates[i-1].Source, disc.Candidates[i].Source)
		}
	}
}

// TestTrustProvidersLabels checks that providers given in
// Discoverer.Providers come back with their own labels: the caller's own
// as sourceCaller, the built-in database's as sourceBuiltin, and a
// discovered one with the label it was found with, for its one domain.
func TestTrustProvidersLabels(t *testing.T) {
	own, err := NewProvider(ProviderInfo{ID: "own", Name: "Own", Domains: []string{"own.test", "own2.test"},
		Endpoints: []ServerEndpoint{{IMAP, "imap.own.test", 993, ImplicitTLS, UsernameAddress}}})
	if err != nil {
		t.Fatal(err)
	}
	qq, _ := Lookup("qq.com")
	found, err := newProvider(ProviderInfo{ID: "found", Name: "Found", Domains: []string{"found.test"},
		Endpoints: []ServerEndpoint{{IMAP, "imap.found.test", 993, ImplicitTLS, UsernameAddress}}},
		&origin{domain: "found.test", source: sourceSRV, trust: TrustInDomain, reasons: []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}})
	if err != nil {
		t.Fatal(err)
	}
	d := &Discoverer{Resolver: &failResolver{}, Dialer: failDialer{t}, Providers: []Provider{own, qq.Provider, found}}
	for _, tc := range []struct {
		query   string
		p       Provider
		source  Source
		trust   Trust
		reasons []Reason
	}{
		{"a@own2.test", own, sourceCaller, TrustCaller, []Reason{reasonCaller}},
		{"a@foxmail.com", qq.Provider, sourceBuiltin, TrustCurated, []Reason{reasonCurated}},
		{"a@found.test", found, sourceSRV, TrustInDomain, []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}},
	} {
		disc, err := d.Discover(t.Context(), tc.query)
		best, _ := disc.Best()
		if err != nil || best.Provider != tc.p || best.Source != tc.source || best.Trust != tc.trust || !slices.Equal(best.Reasons, tc.reasons) {
			t.Errorf("%s: best = %v %v %v %v, %v", tc.query, best.Provider, best.Source, best.Trust, best.Reasons, err)
		}
	}
}

// TestTrustDocumentClaimingOtherDomains checks that an autoconfig document
// listing other domains does not make its provider answer for them, not
// when it is discovered, not when it is stored, reloaded and handed back
// to a Discoverer, and that the reloaded provider keeps its trust.
func TestTrustDocumentClaimingOtherDomains(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	doc := strings.Replace(configDoc("example.test"), "<domain>example.test</domain>",
		"<domain>example.test</domain><domain>gmail.com</domain><domain>other.test</domain>", 1)
	f.serveDoc("https://autoconfig.example.test"+acPath, doc)
	d := f.discoverer()
	d.NoISPDB = true
	disc, err := d.Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if got := best.Provider.Info().Domains; !slices.Equal(got, []string{"example.test"}) {
		t.Errorf("discovered provider claims %v", got)
	}
	stored, err := json.Marshal(best)
	if err != nil {
		t.Fatal(err)
	}
	var back Candidate
	if err := json.Unmarshal(stored, &back); err != nil {
		t.Fatalf("reload: %v\n%s", err, stored)
	}
	offline := &Discoverer{Resolver: &failResolver{}, Dialer: failDialer{t}, Providers: []Provider{back.Provider, best.Provider}}
	again, err := offline.Discover(t.Context(), "bob@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := again.Best(); c.Source != sourceAutoconfig || c.Trust != TrustAuthenticated || !slices.Equal(c.Reasons, best.Reasons) || c.Username(c.Endpoints()[0]) != "bob@example.test" {
		t.Errorf("reloaded provider answers as %v %v %v", c.Source, c.Trust, c.Reasons)
	}
	g, err := offline.Discover(t.Context(), "alice@gmail.com")
	if c, _ := g.Best(); err != nil || c.Source != sourceBuiltin || c.Provider.Info().ID != "gmail" {
		t.Errorf("gmail.com answered by %v %v %v", c.Source, c.Provider, err)
	}
	if _, err := offline.Discover(t.Context(), "alice@other.test"); err == nil || !errors.Is(err, ErrLookupFailed) {
		t.Errorf("other.test: err = %v, want a real discovery (which fails offline)", err)
	}
}

// TestJSONRoundTripEverySourceAndTrust stores and reloads a candidate of
// every source and trust level, and a discovery that holds them.
func TestJSONRoundTripEverySourceAndTrust(t *testing.T) {
	info := ProviderInfo{ID: "x", Name: "X 邮箱", Domains: []string{"example.test"},
		Endpoints: []ServerEndpoint{
			{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameLocalPart},
			{SMTP, "smtp.example.test", 587, STARTTLS, UsernameAddress},
		},
		DocURL: "https://example.test/help", Password: PasswordApp, OAuth2: &OAuth2{Issuer: "auth.example.test", Scopes: []string{"mail"}},
		Notes: []Note{{Kind: NotePassword, Text: NewText("Use an app password.").With("zh-Hans", "请使用应用专用密码。").With("zh-Hant", "請使用應用程式專用密碼。"), URL: "https://example.test/app"}}}
	var all []Candidate
	for _, s := range []Source{sourceCaller, sourceBuiltin, sourceAutoconfig, sourceWellKnown, sourcePACC, sourceAutodiscover, sourceISPDB, sourceSRV, sourceMX, sourceMXAutoconfig, sourceAutoconfigHTTP, sourceGuess} {
		if s == sourceBuiltin {
			continue // below, with a provider of the built-in database
		}
		for tr := TrustUnauthenticated; tr.valid(); tr++ {
			p, err := newProvider(info, &origin{domain: "example.test", source: s, trust: tr, reasons: []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, Candidate{Settings: Settings{Query: "Alice@Example.test", LocalPart: "Alice", Domain: "example.test", UnicodeDomain: "example.test", Provider: p},
				Source: s, Trust: tr, Reasons: []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}, URL: "dns:example.test?type=SRV"})
		}
	}
	for _, c := range all {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Candidate
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%v/%v: %v", c.Source, c.Trust, err)
		}
		if back.Source != c.Source || back.Trust != c.Trust || !slices.Equal(back.Reasons, c.Reasons) || back.URL != c.URL ||
			!slices.Equal(back.Endpoints(), c.Endpoints()) || !slices.Equal(back.Notes(), c.Notes()) || back.Address() != c.Address() ||
			back.Username(back.Endpoints()[0]) != "Alice" || back.Provider.Info().Password != PasswordApp || back.Provider.Info().OAuth2.Issuer != "auth.example.test" {
			t.Errorf("%v/%v: round trip\n got %s\nfrom %s", c.Source, c.Trust, mustJSON(t, back), b)
		}
		bs, bt, br := back.Provider.label()
		if bs != c.Source || bt != c.Trust || !slices.Equal(br, c.Reasons) || !back.Provider.answersFor("example.test") || back.Provider.answersFor("other.test") {
			t.Errorf("%v/%v: reloaded provider labelled %v %v %v", c.Source, c.Trust, bs, bt, br)
		}
	}
	// A built-in candidate comes back as the database's own provider, never
	// above curated; one whose endpoints changed is stale.
	qq, _ := Lookup("alice@qq.com")
	for tr := TrustUnauthenticated; tr.valid(); tr++ {
		c := Candidate{Settings: qq, Source: sourceBuiltin, Trust: tr, Reasons: []Reason{reasonCurated}}
		var back Candidate
		if err := json.Unmarshal(mustJSON(t, c), &back); err != nil || back.Provider != qq.Provider || back.Trust != min(tr, TrustCurated) {
			t.Errorf("builtin/%v: %v %v, %v", tr, back.Provider, back.Trust, err)
		}
	}
	stale := strings.Replace(string(mustJSON(t, Candidate{Settings: qq, Source: sourceBuiltin, Trust: TrustCurated})), `"host":"imap.qq.com"`, `"host":"imap.evil.test"`, 1)
	var c Candidate
	if err := json.Unmarshal([]byte(stale), &c); !errors.Is(err, ErrStale) {
		t.Errorf("changed built-in candidate: err = %v, want ErrStale", err)
	}
	// Settings from Lookup round-trip to the database's own provider;
	// Settings holding a discovered provider are refused (store the
	// Candidate).
	var s Settings
	if err := json.Unmarshal(mustJSON(t, qq), &s); err != nil || s.Provider != qq.Provider || s.Address() != "alice@qq.com" {
		t.Errorf("Settings round trip = %+v, %v", s, err)
	}
	if err := json.Unmarshal(mustJSON(t, all[0].Settings), &s); !errors.Is(err, ErrStale) {
		t.Errorf("Settings of a discovered provider: err = %v, want ErrStale", err)
	}
	unknown, _ := Lookup("nobody.example")
	if err := json.Unmarshal(mustJSON(t, unknown), &s); err != nil || !s.Provider.IsZero() || s.Domain != "nobody.example" {
		t.Errorf("Settings without provider = %+v, %v", s, err)
	}
	// A discovery, with a SourceError that has no cause and one that has.
	disc := Discovery{Query: "Alice@Example.test", LocalPart: "Alice", Domain: "example.test", UnicodeDomain: "example.test",
		Candidates: all, Unfinished: []Source{sourceGuess},
		Errors: []error{&SourceError{Source: sourceSRV, URL: "dns:x"}, newSourceError(sourceMX, "dns:y", errors.New("no MX records"))}}
	b := mustJSON(t, disc)
	var dback Discovery
	if err := json.Unmarshal(b, &dback); err != nil {
		t.Fatal(err)
	}
	if len(dback.Candidates) != len(all) || !slices.Equal(dback.Unfinished, disc.Unfinished) || len(dback.Errors) != 2 ||
		dback.Errors[1].Error() != disc.Errors[1].Error() || dback.LocalPart != "Alice" {
		t.Errorf("discovery round trip:\n got %s\nwant %s", mustJSON(t, dback), b)
	}
	// An empty provider cannot be written as autoconfig.
	if _, err := (Provider{}).MarshalAutoconfig(); err == nil {
		t.Error("MarshalAutoconfig of the zero Provider succeeded")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hostileStrings are texts a hostile document may carry: C0 and C1
// controls (as XML character references where XML allows them), line
// breaks, bidi overrides and isolates, zero-width characters.
var hostileStrings = []string{
	"Evil&#x9B;31m Mail", "Evil&#x85;source builtin, trust curated", "Evil&#xD;&#xA;source: builtin", "&#x202E;liame.example",
	"Evil&#x2066;x&#x2069;", "zero&#x200B;width", "line&#x2028;break", "tab&#9;tab",
}

// TestTrustHostileDocumentStrings checks that text from a document reaches
// the library's values and JSON sanitized: no controls, no bidi or other
// format characters, bounded; that links with other schemes than https
// (javascript:, data:, http: for OAuth2) are dropped; and that autoconfig
// placeholders outside host names and usernames are never shown.
func TestTrustHostileDocumentStrings(t *testing.T) {
	for _, evil := range append(hostileStrings, "%EMAILADDRESS%", strings.Repeat("long ", 100)) {
		f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
		doc := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="id` + evil + `"><domain>example.test</domain>` +
			`<displayName>` + evil + `</displayName>` +
			configServer("imap", "imap.example.test", "993", "SSL") +
			`<documentation url="javascript:alert(1)"/><enable visiturl="data:text/html,x"/></emailProvider>` +
			`<oAuth2><issuer>auth.example.test</issuer><scope>mail` + evil + `</scope><authURL>http://auth.example.test/a</authURL><tokenURL>https://auth.example.test/t` + evil + `</tokenURL></oAuth2></clientConfig>`
		f.serveDoc("https://autoconfig.example.test"+acPath, doc)
		d := f.discoverer()
		d.NoISPDB = true
		disc, err := d.Discover(t.Context(), "alice@example.test")
		if err != nil {
			t.Fatalf("%q: %v", evil, err)
		}
		best, _ := disc.Best()
		info := best.Provider.Info()
		for _, s := range append([]string{info.ID, info.Name, info.DocURL, info.SettingsURL, info.OAuth2.AuthURL, info.OAuth2.TokenURL}, info.OAuth2.Scopes...) {
			checkClean(t, evil, s)
			if strings.Contains(s, "%EMAIL") {
				t.Errorf("%q: placeholder shown in %q", evil, s)
			}
		}
		if info.DocURL != "" || info.SettingsURL != "" || info.OAuth2.AuthURL != "" || len(info.Name) > maxNameText {
			t.Errorf("%q: kept doc %q, settings %q, auth %q, name of %d bytes", evil, info.DocURL, info.SettingsURL, info.OAuth2.AuthURL, len(info.Name))
		}
		b := mustJSON(t, disc)
		for _, r := range string(b) {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
				t.Errorf("%q: JSON carries %U: %s", evil, r, b)
			}
		}
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		walkStrings(raw, func(s string) { checkClean(t, evil, s) })
	}
}

func checkClean(t *testing.T, from, s string) {
	t.Helper()
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			t.Errorf("%q: value %q carries %U", from, s, r)
		}
	}
}

func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, x := range v {
			walkStrings(x, f)
		}
	case map[string]any:
		for k, x := range v {
			f(k)
			walkStrings(x, f)
		}
	}
}

// TestTrustSendAddressRedirect checks that with SendAddress the address
// reaches only the host it was sent to: a redirect to another domain
// carries no Referer and no query string.
func TestTrustSendAddressRedirect(t *testing.T) {
	f := newFixture(t, []string{"example.test", "evil.test"}, "autoconfig.example.test. A 127.0.0.1", "config.evil.test. A 127.0.0.1")
	f.handle("https://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://config.evil.test/x.xml?"+r.URL.RawQuery, http.StatusFound)
	})
	var mu sync.Mutex
	var seen []*http.Request
	f.handle("https://config.evil.test/x.xml", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(r.Context()))
		mu.Unlock()
		w.Write([]byte(configDoc("example.test")))
	})
	d := f.discoverer()
	d.SendAddress, d.NoISPDB = true, true
	if _, err := d.Discover(t.Context(), "alice@example.test"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the redirect was not followed")
	}
	for _, r := range seen {
		if ref := r.Header.Get("Referer"); ref != "" {
			t.Errorf("Referer %q sent to %s", ref, r.Host)
		}
		if r.URL.RawQuery != "" || strings.Contains(r.URL.String(), "alice") {
			t.Errorf("query %q sent to %s", r.URL.RawQuery, r.Host)
		}
		for k, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, "alice") {
					t.Errorf("header %s: %q sent to %s", k, v, r.Host)
				}
			}
		}
	}
}
