package mailsettings

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

const (
	acPath = "/mail/config-v1.1.xml"
	wkPath = "/.well-known/autoconfig/mail/config-v1.1.xml"
)

func TestDiscoverAutoconfigHTTPS(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f.serveDoc("https://autoconfig.example.test"+acPath, configDoc("example.test",
		configServer("imap", "imap.%EMAILDOMAIN%", "993", "SSL"),
		configServer("smtp", "smtp.hoster.test", "465", "SSL")))
	disc, err := f.discoverer().Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if best.Source != sourceAutoconfig || best.Trust != TrustAuthenticated || best.URL != "https://autoconfig.example.test"+acPath {
		t.Fatalf("best = %v %v %q", best.Source, best.Trust, best.URL)
	}
	if !slices.Equal(best.Reasons, []Reason{reasonHTTPSInDomain, reasonHostOutsideDomain}) {
		t.Errorf("reasons = %v", best.Reasons)
	}
	if hs := hosts(best); !slices.Equal(hs, []string{"imap.example.test", "smtp.hoster.test"}) {
		t.Errorf("hosts = %v", hs)
	}
	// The email address is not sent by default.
	for _, r := range f.requested() {
		if strings.Contains(r, "alice") || strings.Contains(r, "?") {
			t.Errorf("request %q carries the address", r)
		}
	}
	f.checkContacted(t, []string{"autoconfig.example.test", "https://autoconfig.example.test" + acPath},
		append(standardNames("example.test"), standardURLs("example.test")...))
}

func TestDiscoverSendAddress(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f.serveDoc("https://autoconfig.example.test"+acPath, configDoc("example.test"))
	d := f.discoverer()
	d.SendAddress = true
	if _, err := d.Discover(t.Context(), "alice+x@example.test"); err != nil {
		t.Fatal(err)
	}
	want := "https://autoconfig.example.test" + acPath + "?emailaddress=alice%2Bx%40example.test"
	if !slices.Contains(f.requested(), want) {
		t.Errorf("requests %q, want %q", f.requested(), want)
	}
	for _, r := range f.requested() {
		if strings.HasPrefix(r, "https://ispdb.test/") && strings.Contains(r, "alice") {
			t.Errorf("address sent to the ISPDB: %q", r)
		}
	}

	// Never over plain HTTP. Only the HTTP source answers here, so it is
	// waited for.
	f = newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f.serveDoc("http://autoconfig.example.test"+acPath, configDoc("example.test"))
	d = f.discoverer()
	d.SendAddress, d.AllowHTTP = true, true
	disc, err := d.Discover(t.Context(), "alice+x@example.test")
	if best, _ := disc.Best(); err != nil || best.Source != sourceAutoconfigHTTP || best.Trust != TrustUnauthenticated ||
		!slices.Equal(best.Reasons, []Reason{reasonPlainHTTP}) {
		t.Fatalf("best %v %v %v, %v", best.Source, best.Trust, best.Reasons, err)
	}
	if !slices.Contains(f.requested(), "http://autoconfig.example.test"+acPath) || !slices.Contains(f.requested(), want) {
		t.Errorf("requests %q", f.requested())
	}
	for _, r := range f.requested() {
		if strings.HasPrefix(r, "http://") && strings.Contains(r, "alice") {
			t.Errorf("address sent over plain HTTP: %q", r)
		}
	}
}

func TestDiscoverWellKnownAndISPDB(t *testing.T) {
	t.Run("well-known", func(t *testing.T) {
		f := newFixture(t, []string{"example.test"}, "example.test. A 127.0.0.1")
		f.serveDoc("https://example.test"+wkPath, configDoc("example.test"))
		disc, err := f.discoverer().Discover(t.Context(), "example.test")
		best, _ := disc.Best()
		if err != nil || best.Source != sourceWellKnown || best.Trust != TrustAuthenticated {
			t.Fatalf("best = %v %v, %v", best.Source, best.Trust, err)
		}
	})
	t.Run("ISPDB", func(t *testing.T) {
		f := newFixture(t, []string{"example.test"})
		f.serveDoc("https://ispdb.test/v1.1/example.test", configDoc("example.test"))
		disc, err := f.discoverer().Discover(t.Context(), "example.test")
		best, _ := disc.Best()
		if err != nil || best.Source != sourceISPDB || best.Trust != TrustAuthenticated || best.Reasons[0] != reasonHTTPSKnownProvider {
			t.Fatalf("best = %v %v %v, %v", best.Source, best.Trust, best.Reasons, err)
		}
	})
	t.Run("ISPDB over plain HTTP", func(t *testing.T) {
		f := newFixture(t, []string{"example.test"})
		f.serveDoc("http://ispdb.test/v1.1/example.test", configDoc("example.test"))
		d := f.discoverer()
		d.ISPDBURL = "http://ispdb.test/v1.1/"
		disc, err := d.Discover(t.Context(), "example.test")
		best, _ := disc.Best()
		if err != nil || best.Source != sourceISPDB || best.Trust != TrustUnauthenticated || best.Reasons[0] != reasonPlainHTTP {
			t.Fatalf("best = %v %v %v, %v", best.Source, best.Trust, best.Reasons, err)
		}
	})
	t.Run("NoISPDB", func(t *testing.T) {
		f := newFixture(t, []string{"example.test"})
		f.serveDoc("https://ispdb.test/v1.1/example.test", configDoc("example.test"))
		d := f.discoverer()
		d.NoISPDB = true
		if _, err := d.Discover(t.Context(), "example.test"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		for _, n := range append(f.dns.Names(), f.requested()...) {
			if strings.Contains(n, "ispdb") {
				t.Errorf("contacted %q with NoISPDB", n)
			}
		}
	})
}

// TestDiscoverHTTPFasterThanHTTPS: a forged document over plain HTTP
// answers first; the HTTPS one wins.
func TestDiscoverHTTPFasterThanHTTPS(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	httpDone := make(chan struct{})
	evil := configDoc("example.test", configServer("imap", "imap.evil.test", "993", "SSL"))
	f.handle("http://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		defer close(httpDone)
		io.WriteString(w, evil)
	})
	f.handle("https://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		select { // answer only after the HTTP answer went out
		case <-httpDone:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, configDoc("example.test"))
	})
	d := f.discoverer()
	d.AllowHTTP = true
	disc, err := d.Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if best.Source != sourceAutoconfig || !slices.Equal(hosts(best), []string{"imap.example.test", "smtp.example.test"}) {
		t.Fatalf("best = %v %v", best.Source, hosts(best))
	}
	for _, c := range disc.Candidates {
		if c.Source == sourceAutoconfigHTTP && (c.Trust != TrustUnauthenticated || !slices.Contains(c.Reasons, reasonPlainHTTP)) {
			t.Errorf("HTTP candidate %v %v", c.Trust, c.Reasons)
		}
	}
	noTrustedEvil(t, disc, "evil.test")

	// Without AllowHTTP nothing is fetched over plain HTTP.
	f2 := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f2.serveDoc("http://autoconfig.example.test"+acPath, evil)
	disc, _ = f2.discoverer().Discover(t.Context(), "alice@example.test")
	for _, r := range f2.requested() {
		if strings.HasPrefix(r, "http:") {
			t.Errorf("plain HTTP request %q without AllowHTTP", r)
		}
	}
	noTrustedEvil(t, disc, "evil.test")
	if len(disc.Candidates) != 0 {
		t.Errorf("candidates %v", disc.Candidates)
	}
}

// TestDiscoverHostile runs the hostile fixtures: none may yield a trusted
// wrong answer, and each must fail in the expected way.
func TestDiscoverHostile(t *testing.T) {
	const ac = "https://autoconfig.example.test" + acPath
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	tests := []struct {
		name    string
		query   string
		setup   func(f *fixture)
		wantErr error  // wrapped by the autoconfig source's error, if not nil
		errText string // in the autoconfig source's error
		// delegated: the domain's own verified server sent the client to
		// evil.test, so an authenticated answer naming it is right.
		delegated bool
		check     func(t *testing.T, f *fixture, disc Discovery)
	}{
		{
			name: "https to http redirect",
			setup: func(f *fixture) {
				f.handle(ac, redirect("http://autoconfig.example.test/plain.xml"))
				f.serveDoc("http://autoconfig.example.test/plain.xml", configDoc("example.test", configServer("imap", "imap.evil.test", "993", "SSL")))
			},
			wantErr: errInsecureRedirect,
			check: func(t *testing.T, f *fixture, _ Discovery) {
				for _, r := range f.requested() {
					if strings.HasPrefix(r, "http:") {
						t.Errorf("followed the redirect to %q", r)
					}
				}
			},
		},
		{
			name: "redirect loop",
			setup: func(f *fixture) {
				var n atomic.Int32
				f.handle(ac, func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					http.Redirect(w, r, ac+"?n="+strings.Repeat("x", int(n.Load())), http.StatusFound)
				})
			},
			errText: "stopped after 5 redirects",
			check: func(t *testing.T, f *fixture, _ Discovery) {
				n := 0
				for _, r := range f.requested() {
					if strings.HasPrefix(r, ac) {
						n++
					}
				}
				if n > 6 {
					t.Errorf("%d requests in the loop, want at most 6", n)
				}
			},
		},
		{
			name: "redirect to an IP address",
			setup: func(f *fixture) {
				f.handle(ac, redirect("https://127.0.0.1/config.xml"))
			},
			wantErr: errInsecureRedirect,
		},
		{
			name: "redirect above the registrable domain",
			setup: func(f *fixture) {
				f.handle(ac, redirect("https://co.uk/config.xml"))
			},
			wantErr: errInsecureRedirect,
		},
		{
			name: "100 MiB body",
			setup: func(f *fixture) {
				f.handle(ac, func(w http.ResponseWriter, r *http.Request) {
					io.WriteString(w, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x">`)
					chunk := []byte(strings.Repeat(" ", 1<<20))
					for range 100 {
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				})
			},
			wantErr: ErrAutoconfig,
			errText: "larger than",
		},
		{
			name: "100 MiB Content-Length",
			setup: func(f *fixture) {
				f.handle(ac, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Length", "104857600")
					io.WriteString(w, "<clientConfig>")
				})
			},
			wantErr: ErrAutoconfig,
			errText: "Content-Length",
		},
		{
			name: "100,000 deep",
			setup: func(f *fixture) {
				f.serveDoc(ac, "<clientConfig>"+strings.Repeat("<a>", 100000)+strings.Repeat("</a>", 100000)+"</clientConfig>")
			},
			wantErr: ErrAutoconfig,
			errText: "nested deeper",
		},
		{
			name: "DOCTYPE with entities",
			setup: func(f *fixture) {
				f.serveDoc(ac, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "imap.evil.test">]>`+
					configDoc("example.test", configServer("imap", "&lol;", "993", "SSL"))[len(`<?xml version="1.0"?>`):])
			},
			wantErr: ErrAutoconfig,
			errText: "DOCTYPE",
		},
		{
			name: "out-of-range ports",
			setup: func(f *fixture) {
				f.serveDoc(ac, configDoc("example.test",
					configServer("imap", "imap.example.test", "70000", "SSL"),
					configServer("imap", "imap.example.test", "0", "SSL"),
					configServer("imap", "imap.example.test", "-993", "SSL"),
					configServer("smtp", "smtp.example.test", "465", "SSL")))
			},
			check: func(t *testing.T, f *fixture, disc Discovery) {
				best, _ := disc.Best()
				want := []ServerEndpoint{{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress}}
				if best.Source != sourceAutoconfig || !slices.Equal(best.Endpoints(), want) {
					t.Errorf("best = %v %v, want the SMTP entry only", best.Source, best.Endpoints())
				}
				if n := countErrors(disc, "port"); n != 3 {
					t.Errorf("%d dropped-port errors, want 3: %v", n, disc.Errors)
				}
			},
		},
		{
			name: "host names with space and NUL",
			setup: func(f *fixture) {
				f.serveDoc(ac, configDoc("example.test",
					configServer("imap", "imap .evil.test", "993", "SSL"),
					configServer("smtp", "smtp.example.test", "465", "SSL")))
			},
			check: func(t *testing.T, f *fixture, disc Discovery) {
				best, _ := disc.Best()
				if !slices.Equal(hosts(best), []string{"smtp.example.test"}) {
					t.Errorf("hosts = %v", hosts(best))
				}
			},
		},
		{
			name: "NUL in host name",
			setup: func(f *fixture) {
				f.serveDoc(ac, configDoc("example.test", configServer("imap", "imap.evil.test&#0;.example.test", "993", "SSL")))
			},
			wantErr: ErrAutoconfig,
		},
		{
			name:  "local part smuggles a host name",
			query: "x.evil.test#@example.test",
			setup: func(f *fixture) {
				f.serveDoc(ac, configDoc("example.test",
					configServer("imap", "%EMAILLOCALPART%.example.test", "993", "SSL"),
					configServer("imap", "%EMAILADDRESS%", "993", "SSL"),
					configServer("smtp", "smtp.%EMAILDOMAIN%", "465", "SSL")))
			},
			check: func(t *testing.T, f *fixture, disc Discovery) {
				best, _ := disc.Best()
				if !slices.Equal(hosts(best), []string{"smtp.example.test"}) {
					t.Errorf("hosts = %v", hosts(best))
				}
				if best.Username(best.Endpoints()[0]) != "x.evil.test#@example.test" {
					t.Errorf("username %q", best.Username(best.Endpoints()[0]))
				}
			},
		},
		{
			// The redirect came from the domain's own server over verified
			// TLS: the domain's operator delegated the answer (issue 10).
			name: "https redirect to another domain",
			setup: func(f *fixture) {
				f.handle(ac, redirect("https://config.evil.test/x.xml"))
				f.serveDoc("https://config.evil.test/x.xml", configDoc("example.test", configServer("imap", "imap.evil.test", "993", "SSL")))
			},
			delegated: true,
			check: func(t *testing.T, f *fixture, disc Discovery) {
				best, _ := disc.Best()
				if best.Source != sourceAutoconfig || best.Trust != TrustAuthenticated ||
					!slices.Equal(best.Reasons, []Reason{reasonHTTPSInDomain, reasonRedirectedOutside, reasonHostOutsideDomain}) ||
					best.URL != "https://config.evil.test/x.xml" {
					t.Errorf("best = %v %v %v %q", best.Source, best.Trust, best.Reasons, best.URL)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, []string{"example.test", "evil.test"},
				"autoconfig.example.test. A 127.0.0.1", "config.evil.test. A 127.0.0.1")
			tt.setup(f)
			q := tt.query
			if q == "" {
				q = "alice@example.test"
			}
			d := f.discoverer()
			disc, _ := d.Discover(t.Context(), q)
			if !tt.delegated {
				noTrustedEvil(t, disc, "evil.test")
			}
			if tt.wantErr != nil || tt.errText != "" {
				var se *SourceError
				for _, e := range disc.Errors {
					if errors.As(e, &se) && se.Source == sourceAutoconfig {
						break
					}
					se = nil
				}
				if se == nil {
					t.Fatalf("no error from the autoconfig source: %v", disc.Errors)
				}
				if tt.wantErr != nil && !errors.Is(se, tt.wantErr) || !strings.Contains(se.Error(), tt.errText) {
					t.Errorf("autoconfig error %v, want %v containing %q", se, tt.wantErr, tt.errText)
				}
				if se.Unreachable {
					t.Errorf("%v counted as unreachable", se)
				}
				for _, c := range disc.Candidates {
					if c.Source == sourceAutoconfig {
						t.Errorf("candidate from the failed source: %v", hosts(c))
					}
				}
			}
			if tt.check != nil {
				tt.check(t, f, disc)
			}
			// Only the standard names, and the host a redirect named.
			allowedHosts := []string{"autoconfig.example.test", "example.test", "ispdb.test", "config.evil.test"}
			for _, n := range f.dns.Names() {
				if !slices.Contains(append(standardNames("example.test"), allowedHosts...), n) {
					t.Errorf("asked DNS about %q", n)
				}
			}
			for _, r := range f.requested() {
				_, rest, _ := strings.Cut(r, "://")
				host, _, _ := strings.Cut(rest, "/")
				if !slices.Contains(allowedHosts, host) {
					t.Errorf("requested %q", r)
				}
			}
		})
	}
}

func countErrors(disc Discovery, substr string) int {
	n := 0
	for _, e := range disc.Errors {
		if strings.Contains(e.Error(), substr) {
			n++
		}
	}
	return n
}
