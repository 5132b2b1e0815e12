package mailsettings

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnssectest"
	"github.com/miekg/dns"
)

func TestDiscoverSRV(t *testing.T) {
	f := newFixture(t, []string{"example.test"},
		"_submissions._tcp.example.test. SRV 0 1 465 smtp.example.test.",
		// Lower priority number first (RFC 2782), whatever the order here.
		"_imaps._tcp.example.test. SRV 10 1 993 imap2.example.test.",
		"_imaps._tcp.example.test. SRV 0 1 993 imap.example.test.",
		// "." means not offered (RFC 6186 §3.4).
		"_imap._tcp.example.test. SRV 0 0 0 .",
		// Port 0 is dropped.
		"_pop3s._tcp.example.test. SRV 0 1 0 pop.example.test.",
		// A bad name next to a good one: Go drops it and reports an error
		// together with the good record, which must be kept.
		`_submission._tcp.example.test. SRV 0 1 587 bad\032name.example.test.`,
		"_submission._tcp.example.test. SRV 5 1 587 smtp.example.test.",
	)
	disc, err := f.discoverer().Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if best.Source != sourceSRV || best.Trust != TrustInDomain || best.URL != "dns:example.test?type=SRV" {
		t.Fatalf("best = %v %v %q, want srv in-domain", best.Source, best.Trust, best.URL)
	}
	if !slices.Equal(best.Reasons, []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}) {
		t.Errorf("reasons = %v", best.Reasons)
	}
	want := []ServerEndpoint{
		{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress},
		{IMAP, "imap2.example.test", 993, ImplicitTLS, UsernameAddress},
		{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress},
		{SMTP, "smtp.example.test", 587, STARTTLS, UsernameAddress},
	}
	if got := best.Endpoints(); !slices.Equal(got, want) {
		t.Errorf("endpoints =\n%v\nwant\n%v", got, want)
	}
	if u := best.Username(want[0]); u != "alice@example.test" {
		t.Errorf("username = %q", u)
	}
	var notOffered, kept, dropped bool
	for _, e := range disc.Errors {
		var se *SourceError
		if !errors.As(e, &se) {
			t.Fatalf("error %v is not a *SourceError", e)
		}
		switch {
		case se.URL == "dns:_imap._tcp.example.test?type=SRV" && errors.Is(se, errNotOffered):
			notOffered = true
		case se.URL == "dns:_submission._tcp.example.test?type=SRV" && !errors.Is(se, errNotOffered):
			kept = !se.Unreachable // the error that came with the kept record
		case se.URL == "dns:_pop3s._tcp.example.test?type=SRV":
			dropped = true
		}
	}
	if !notOffered || !kept || !dropped {
		t.Errorf("errors %v: not offered %v, kept-with-error %v, port 0 dropped %v", disc.Errors, notOffered, kept, dropped)
	}
	f.checkContacted(t, standardNames("example.test"), append(standardURLs("example.test"), "example.test"))
}

func TestDiscoverSRVOutsideDomain(t *testing.T) {
	// One target outside the domain makes the whole answer untrusted,
	// wherever it is among the services.
	for _, recs := range [][]string{
		{"_imaps._tcp.example.test. SRV 0 1 993 imap.evil.test.", "_submissions._tcp.example.test. SRV 0 1 465 smtp.example.test."},
		{"_imaps._tcp.example.test. SRV 0 1 993 imap.example.test.", "_submissions._tcp.example.test. SRV 0 1 465 smtp.evil.test."},
		{"_imaps._tcp.example.test. SRV 0 1 993 imap.example.test.", "_imaps._tcp.example.test. SRV 5 1 993 imap.evil.test."},
	} {
		f := newFixture(t, []string{"example.test"}, recs...)
		disc, err := f.discoverer().Discover(t.Context(), "example.test")
		if err != nil {
			t.Fatal(err)
		}
		best, _ := disc.Best()
		if best.Source != sourceSRV || best.Trust != TrustUnauthenticated || !slices.Contains(best.Reasons, reasonHostOutsideDomain) {
			t.Errorf("%q: best = %v %v %v, want srv unauthenticated host-outside-domain", recs, best.Source, best.Trust, best.Reasons)
		}
		noTrustedEvil(t, disc, "evil.test")
		// The target is not resolved during discovery.
		f.checkContacted(t, standardNames("example.test"), append(standardURLs("example.test"), "example.test"))
	}
}

func TestDiscoverSRVAllNotOffered(t *testing.T) {
	var recs []string
	for _, s := range srvServices() {
		recs = append(recs, "_"+s.label+"._tcp.example.test. SRV 0 0 0 .")
	}
	f := newFixture(t, []string{"example.test"}, recs...)
	disc, err := f.discoverer().Discover(t.Context(), "example.test")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrLookupFailed) || !errors.Is(err, errNotOffered) {
		t.Fatalf("err = %v, want ErrNotFound wrapping errNotOffered", err)
	}
	if len(disc.Candidates) != 0 {
		t.Errorf("candidates = %v", disc.Candidates)
	}
}

func TestDiscoverMX(t *testing.T) {
	tests := []struct {
		name, domain, mx string
		want             string // provider id, "" for none
		imap             string
	}{
		{"Tencent Exmail, not QQ Mail", "exmail.test", "mxbiz1.qq.com.", "exmail", "imap.exmail.qq.com"},
		{"Google Workspace", "gw.test", "aspmx.l.google.com.", "google-workspace", "imap.gmail.com"},
		{"Microsoft 365 new MX", "m365.test", "m365-test.j-v1.mx.microsoft.", "microsoft365", "outlook.office365.com"},
		{"Microsoft 365", "m365b.test", "m365b-test.mail.protection.outlook.com.", "microsoft365", "outlook.office365.com"},
		{"NetEase Qiye", "qiye.test", "qiye163mx01.mxmail.netease.com.", "netease-qiye", "imaphz.qiye.163.com"},
		{"Alibaba Mail mxhichina", "ali1.test", "mxw.mxhichina.com.", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"Alibaba Mail qiye.aliyun.com", "ali2.test", "mx1.qiye.aliyun.com.", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"Zoho", "zoho.test", "mx.zoho.com.", "zoho", "imap.zoho.com"},
		{"Yandex 360", "yandex.test", "mx.yandex.net.", "yandex-360", "imap.yandex.com"},
		{"Fastmail", "fm.test", "in1-smtp.messagingengine.com.", "fastmail", "imap.fastmail.com"},
		{"iCloud custom domain", "icloud.test", "mx01.mail.icloud.com.", "icloud-custom-domain", "imap.mail.me.com"},
		{"consumer QQ MX is not a hosted domain", "qqmx.test", "mx1.qq.com.", "", ""},
		// An unknown host under qiye.aliyun.com: its registrable domain is
		// consumer Aliyun Mail's, which must not be used.
		{"unknown Aliyun MX is not consumer Aliyun", "ali3.test", "mx9.qiye.aliyun.com.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, []string{tt.domain}, tt.domain+". MX 10 "+tt.mx)
			d := f.discoverer()
			disc, err := d.Discover(t.Context(), "bob@"+tt.domain)
			if tt.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				best, _ := disc.Best()
				if best.Source != sourceMX || best.Provider.data().ID != tt.want || best.Trust != TrustUnauthenticated {
					t.Fatalf("best = %v %v %v", best.Source, best.Provider, best.Trust)
				}
				if e, _ := best.Best(IMAP); e.Host != tt.imap {
					t.Errorf("IMAP host %q, want %q", e.Host, tt.imap)
				}
				if best.Username(best.Endpoints()[0]) != "bob@"+tt.domain {
					t.Errorf("username %q", best.Username(best.Endpoints()[0]))
				}
			}
			for _, c := range disc.Candidates {
				for _, h := range hosts(c) {
					if h == "imap.qq.com" || h == "smtp.qq.com" || h == "imap.aliyun.com" || h == "smtp.aliyun.com" {
						t.Errorf("candidate %v sends a hosted domain to consumer host %s", c.Source, h)
					}
				}
			}
			// Never autoconfig for qq.com or aliyun.com, table domains, and
			// never their consumer ISPDB entries.
			f.checkContacted(t, standardNames(tt.domain), append(standardURLs(tt.domain), tt.domain))
		})
	}
}

func TestDiscoverMXPublicSuffix(t *testing.T) {
	f := newFixture(t, []string{"psl.test"}, "psl.test. MX 10 co.uk.")
	disc, err := f.discoverer().Discover(t.Context(), "psl.test")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if len(disc.Candidates) != 0 {
		t.Errorf("candidates %v", disc.Candidates)
	}
	// No autoconfig.co.uk, no ISPDB co.uk.
	f.checkContacted(t, standardNames("psl.test"), append(standardURLs("psl.test"), "psl.test"))
}

func TestDiscoverMXAutoconfig(t *testing.T) {
	f := newFixture(t, []string{"custom.test", "hoster.test"},
		"custom.test. MX 20 mx2.hoster.test.",
		"custom.test. MX 10 mx1.hoster.test.",
		"autoconfig.hoster.test. A 127.0.0.1",
	)
	f.serveDoc("https://autoconfig.hoster.test/mail/config-v1.1.xml", configDoc("hoster.test"))
	disc, err := f.discoverer().Discover(t.Context(), "carol@custom.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if best.Source != sourceMXAutoconfig || best.Trust != TrustUnauthenticated ||
		best.URL != "https://autoconfig.hoster.test/mail/config-v1.1.xml" || !slices.Contains(best.Reasons, reasonMXBaseDomain) {
		t.Fatalf("best = %v %v %q %v", best.Source, best.Trust, best.URL, best.Reasons)
	}
	if e, _ := best.Best(IMAP); e.Host != "imap.hoster.test" || best.Username(e) != "carol@custom.test" {
		t.Errorf("IMAP %v user %q", e, best.Username(e))
	}
	f.checkContacted(t,
		append(standardNames("custom.test"), "autoconfig.hoster.test"),
		append(standardURLs("custom.test"), "custom.test", "https://autoconfig.hoster.test/mail/config-v1.1.xml", "https://ispdb.test/v1.1/hoster.test"))
}

// srvRec is a compact SRV record for selectSRV tests.
func srvRec(target string, port, prio, weight uint16) *net.SRV {
	return &net.SRV{Target: target, Port: port, Priority: prio, Weight: weight}
}

func TestSelectSRV(t *testing.T) {
	in := []*net.SRV{
		srvRec("c.example.test.", 993, 20, 0),
		srvRec("a.example.test.", 993, 10, 1),
		srvRec("B.Example.Test.", 993, 10, 3),
		srvRec(".", 0, 0, 0),
		srvRec("bad name.example.test.", 993, 0, 0),
		srvRec("x.example.test.", 0, 0, 0),
		srvRec("a.example.test.", 993, 10, 1), // repeat
	}
	orig := *in[2]
	// intn always 0 picks the first positive-weight record in order.
	out, notOffered, dropped := selectSRV(in, func(int) int { return 0 })
	var got []string
	for _, r := range out {
		got = append(got, r.Target)
	}
	if !slices.Equal(got, []string{"a.example.test", "b.example.test", "c.example.test"}) || notOffered || dropped != 2 {
		t.Errorf("selectSRV = %v, %v, %d", got, notOffered, dropped)
	}
	if *in[2] != orig {
		t.Error("selectSRV changed its input")
	}
	// The largest draw picks the heavier record first.
	out, _, _ = selectSRV(in, func(n int) int { return n - 1 })
	if out[0].Target != "b.example.test" || out[2].Target != "c.example.test" {
		t.Errorf("weighted order %v %v %v", out[0].Target, out[1].Target, out[2].Target)
	}
	if _, notOffered, _ := selectSRV([]*net.SRV{srvRec(".", 0, 0, 0)}, nil); !notOffered {
		t.Error(`single "." record: not offered not reported`)
	}
	if out, notOffered, _ := selectSRV(nil, nil); out != nil || notOffered {
		t.Error("no records: want nothing and not 'not offered'")
	}
}

func TestGuessEndpoints(t *testing.T) {
	es := guessEndpoints("example.test", false)
	if len(es) != 18 || es[0] != (ServerEndpoint{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress}) {
		t.Fatalf("guesses %v", es)
	}
	for _, e := range es {
		if e.Encryption == Plaintext || e.Validate() != nil {
			t.Errorf("guess %v", e)
		}
	}
	if n := len(guessEndpoints("example.test", true)); n != 27 {
		t.Errorf("%d guesses with plaintext allowed, want 27", n)
	}
}

func TestDiscoverNullMX(t *testing.T) {
	f := newFixture(t, []string{"nullmx.test"}, "nullmx.test. MX 0 .")
	disc, err := f.discoverer().Discover(t.Context(), "nullmx.test")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if countErrors(disc, "null MX") != 1 {
		t.Errorf("no null MX error in %v", disc.Errors)
	}
}

// TestDiscoverNeverAboveRegistrableDomain: for alice@corp.example.co.uk
// every name asked and URL fetched is under corp.example.co.uk or the
// ISPDB; nothing under example.co.uk, co.uk or uk.
func TestDiscoverNeverAboveRegistrableDomain(t *testing.T) {
	f := newFixture(t, []string{"corp.example.co.uk"})
	if _, err := f.discoverer().Discover(t.Context(), "alice@corp.example.co.uk"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	f.checkContacted(t, standardNames("corp.example.co.uk"), append(standardNames("corp.example.co.uk"), standardURLs("corp.example.co.uk")...))
}

// TestDiscoverMXKeptWithError: Go drops an MX record with an invalid name
// and returns the others together with an error; the good record is used
// and the error is kept, not counted as "could not look".
func TestDiscoverMXKeptWithError(t *testing.T) {
	f := newFixture(t, []string{"mixed.test"},
		`mixed.test. MX 5 bad\032name.example.`,
		"mixed.test. MX 10 mxbiz1.qq.com.")
	disc, err := f.discoverer().Discover(t.Context(), "mixed.test")
	if err != nil {
		t.Fatal(err)
	}
	if best, _ := disc.Best(); best.Source != sourceMX || best.Provider.data().ID != "exmail" {
		t.Fatalf("best = %v %v", best.Source, best.Provider)
	}
	found := false
	for _, e := range disc.Errors {
		var se *SourceError
		if errors.As(e, &se) && se.Source == sourceMX {
			var dnsErr *net.DNSError
			if errors.As(se, &dnsErr) {
				found = true
				if se.Unreachable {
					t.Errorf("%v counted as unreachable although records came with it", se)
				}
			}
		}
	}
	if !found {
		t.Errorf("the resolver's error was not kept: %v", disc.Errors)
	}
}

// TestDiscoverMXSameBaseDomain: an MX host inside the email's registrable
// domain says the domain runs its own mail, so no MX-derived autoconfig is
// fetched (Thunderbird and Thunderbird for Android do the same). Here the
// query is a subdomain, so autoconfig.self.test would be a new request.
func TestDiscoverMXSameBaseDomain(t *testing.T) {
	f := newFixture(t, []string{"self.test"}, "sub.self.test. MX 10 mx.self.test.")
	disc, err := f.discoverer().Discover(t.Context(), "erin@sub.self.test")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, e := range disc.Errors {
		var se *SourceError
		if errors.As(e, &se) && se.Source == sourceMXAutoconfig {
			t.Errorf("MX-derived autoconfig for the email's own domain: %v", se)
		}
	}
	f.checkContacted(t, standardNames("sub.self.test"), append(standardURLs("sub.self.test"), "sub.self.test"))
}

// TestDiscoverNotFoundOrLookupFailed: with a real DNS server, a resolver
// failure (SERVFAIL) for every name is "could not look"; the same failure
// for some names while others answer NXDOMAIN is "nothing found", and the
// failures stay reachable and marked unreachable.
func TestDiscoverNotFoundOrLookupFailed(t *testing.T) {
	for _, tt := range []struct {
		name        string
		servfail    func(n string) bool
		want        error
		unreachable int
	}{
		// 6 SRV names, MX, and the hosts of 6 HTTPS URLs (autoconfig,
		// well-known, ISPDB, PACC, and Autodiscover's two).
		{"all SERVFAIL", func(string) bool { return true }, ErrLookupFailed, 13},
		// fail.test (MX, and the host of the well-known and the second
		// Autodiscover URL) answers NXDOMAIN.
		{"SRV and HTTP hosts SERVFAIL, MX NXDOMAIN", func(n string) bool { return n != "fail.test" }, ErrNotFound, 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, []string{"fail.test"})
			for _, n := range standardNames("fail.test") {
				if tt.servfail(n) {
					f.dns.SetRcode(n+".", dns.RcodeServerFailure)
				}
			}
			disc, err := f.discoverer().Discover(t.Context(), "fail.test")
			other := ErrNotFound
			if tt.want == ErrNotFound {
				other = ErrLookupFailed
			}
			if !errors.Is(err, tt.want) || errors.Is(err, other) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			unreachable := 0
			for _, e := range disc.Errors {
				var se *SourceError
				if errors.As(e, &se) && se.Unreachable {
					unreachable++
					if se.Source == sourceMX && tt.want == ErrNotFound {
						t.Errorf("NXDOMAIN counted as unreachable: %v", se)
					}
				}
			}
			if unreachable != tt.unreachable {
				t.Errorf("%d unreachable source errors, want %d: %v", unreachable, tt.unreachable, disc.Errors)
			}
		})
	}
}

// TestDiscoverDNSSEC runs discovery against a real validating resolver
// (unbound) on loopback in front of zones signed for the test: signed SRV
// and MX answers get the trust RFC 6186 gives DNSSEC-validated answers; an
// unsigned zone's answers keep their unauthenticated labels; a bogus or
// tampered zone gives no answer at all.
func TestDiscoverDNSSEC(t *testing.T) {
	res := dnssectest.Start(t)
	r := NewValidatingResolver(res.Addr, false) // loopback: its AD bit is believed
	for _, tc := range []struct {
		domain  string
		trust   Trust
		reasons []Reason
	}{
		{"example.test", TrustAuthenticated, []Reason{reasonDNSSEC, reasonHostsInDomain}},
		{"insecure.example.test", TrustInDomain, []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}},
		{"bogus.example.test", 0, nil},
		{"tampered.example.test", 0, nil},
	} {
		d := &Discoverer{Resolver: r, Dialer: failDialer{t}, NoISPDB: true}
		disc, _ := d.Discover(t.Context(), "alice@"+tc.domain)
		var srv *Candidate
		for i, c := range disc.Candidates {
			if c.Source == sourceSRV {
				srv = &disc.Candidates[i]
			}
		}
		if tc.trust == 0 {
			if srv != nil {
				t.Errorf("%s: SRV candidate %v from a bogus zone", tc.domain, srv.Endpoints())
			}
			continue
		}
		if srv == nil {
			t.Errorf("%s: no SRV candidate; errors %v", tc.domain, disc.Errors)
			continue
		}
		want := []ServerEndpoint{
			{SMTP, "smtp." + tc.domain, dnssectest.SubmissionsPort, ImplicitTLS, UsernameAddress},
			{IMAP, "imap." + tc.domain, dnssectest.IMAPSPort, ImplicitTLS, UsernameAddress},
		}
		slices.SortStableFunc(want, func(a, b ServerEndpoint) int { return ServerEndpoint.compare(a, b) })
		if srv.Trust != tc.trust || !slices.Equal(srv.Reasons, tc.reasons) || !slices.Equal(srv.Endpoints(), want) {
			t.Errorf("%s: SRV candidate %v %v %v", tc.domain, srv.Trust, srv.Reasons, srv.Endpoints())
		}
	}
}

// TestDiscoverPACCDNSSEC checks that a PACC document whose digest record
// was validated with DNSSEC is authenticated by the domain's zone even
// over TLS that was not verified, and that both together are named.
func TestDiscoverPACCDNSSEC(t *testing.T) {
	res := dnssectest.Start(t, "ua-auto-config.example.test. 300 IN A 127.0.0.1")
	f := newFixture(t, []string{"example.test"})
	f.handle("https://ua-auto-config.example.test"+paccPath, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(paccVector)) })
	for _, skip := range []bool{false, true} {
		d := &Discoverer{Resolver: NewValidatingResolver(res.Addr, false), Dialer: f, NoISPDB: true, TLSConfig: &tls.Config{RootCAs: f.ca.Pool()}}
		want := []Reason{reasonHTTPSInDomain, reasonPACCDigest, reasonDNSSEC}
		if skip {
			d.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: f.DialContext, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			want = []Reason{reasonPACCDigest, reasonDNSSEC}
		}
		disc, err := d.Discover(t.Context(), "alice@example.test")
		if err != nil {
			t.Fatal(err)
		}
		var c *Candidate
		for i := range disc.Candidates {
			if disc.Candidates[i].Source == sourcePACC {
				c = &disc.Candidates[i]
			}
		}
		if c == nil || c.Trust != TrustAuthenticated || !slices.Equal(c.Reasons, want) {
			t.Errorf("unverified TLS %v: PACC candidate %+v; errors %v", skip, c, disc.Errors)
		}
	}
}

// FuzzSelectSRV checks the invariants of SRV selection on arbitrary
// records: valid targets and ports only, lowest priority first, nothing
// invented, no repeats, bounded output, and the input left alone.
func FuzzSelectSRV(f *testing.F) {
	f.Add([]byte{0, 10, 0, 1, 3, 225, 1, 0, 0, 0, 0, 0, 0, 0}, "imap.example.test.", uint64(1))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0}, ".", uint64(2))
	f.Add([]byte{0, 5, 0, 0, 1, 2, 255, 0, 5, 0, 9, 1, 2, 3}, "bad name.example.test.", uint64(3))
	f.Add(make([]byte, 7*100), "", uint64(4))
	targets := []string{".", "", "a.example.test.", "A.Example.Test.", "b.example.test", "bad name.example.test.",
		"x\x00.example.test.", "single.", "xn--zz.test.", "127.0.0.1", "-a.example.test."}
	f.Fuzz(func(t *testing.T, data []byte, target string, seed uint64) {
		var in []*net.SRV
		for len(data) >= 7 {
			r := &net.SRV{
				Priority: binary.BigEndian.Uint16(data[0:]),
				Weight:   binary.BigEndian.Uint16(data[2:]),
				Port:     binary.BigEndian.Uint16(data[4:]),
				Target:   target,
			}
			if i := int(data[6]); i < len(targets) {
				r.Target = targets[i]
			}
			in = append(in, r)
			data = data[7:]
		}
		orig := make([]net.SRV, len(in))
		for i, r := range in {
			orig[i] = *r
		}
		rng := rand.New(rand.NewPCG(seed, seed))
		intn := func(n int) int {
			if n <= 0 {
				t.Fatalf("intn(%d)", n)
			}
			return rng.IntN(n)
		}
		out, notOffered, dropped := selectSRV(in, intn)
		for i, r := range in {
			if *r != orig[i] {
				t.Fatalf("input record %d changed", i)
			}
		}
		if len(out) > maxSRVOut || dropped < 0 || notOffered && len(out) > 0 {
			t.Fatalf("out %d, notOffered %v, dropped %d", len(out), notOffered, dropped)
		}
		anyValid := false
		for _, r := range in[:min(len(in), maxSRVIn)] {
			if h, ok := validDNSHost(r.Target); ok && r.Port != 0 && h != "" {
				anyValid = true
			}
		}
		if anyValid != (len(out) > 0) {
			t.Fatalf("valid input %v but %d records out", anyValid, len(out))
		}
		for i, r := range out {
			h, ok := validDNSHost(r.Target)
			if !ok || h != r.Target || r.Port == 0 {
				t.Fatalf("bad record out: %+v", r)
			}
			if i > 0 && out[i-1].Priority > r.Priority {
				t.Fatalf("priority %d after %d", r.Priority, out[i-1].Priority)
			}
			for _, s := range out[:i] {
				if s.Target == r.Target && s.Port == r.Port {
					t.Fatalf("repeated %s:%d", r.Target, r.Port)
				}
			}
			found := false
			for _, o := range orig[:min(len(orig), maxSRVIn)] {
				if h, ok := validDNSHost(o.Target); ok && h == r.Target && o.Port == r.Port && o.Priority == r.Priority {
					found = true
				}
			}
			if !found {
				t.Fatalf("record %+v not in the input", r)
			}
		}
	})
}
