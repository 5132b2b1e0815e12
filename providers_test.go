package mailsettings

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/db"
	"github.com/mailsettings/mailsettings/internal/msg"
	"golang.org/x/net/idna"
)

// Shorthands for tests that build endpoints.
const addr = UsernameAddress

func ep(p Protocol, host string, port uint16, enc Encryption, u UsernameForm) ServerEndpoint {
	return ServerEndpoint{Protocol: p, Host: host, Port: port, Encryption: enc, Username: u}
}

// TestDataCodesMatchEnums: the integer codes of internal/db are the places
// (from 1) of this package's codes in their lists, or the values of its
// levels, which buildTable converts by them.
func TestDataCodesMatchEnums(t *testing.T) {
	for _, c := range []struct {
		name      string
		code, val int
	}{
		{"IMAP", db.IMAP, IMAP.rank()}, {"POP3", db.POP3, POP3.rank()}, {"SMTP", db.SMTP, SMTP.rank()},
		{"TLS", db.TLS, ImplicitTLS.rank()}, {"STARTTLS", db.STARTTLS, STARTTLS.rank()}, {"Plain", db.Plain, Plaintext.rank()},
		{"Address", db.Address, userCode(UsernameAddress)}, {"LocalPart", db.LocalPart, userCode(UsernameLocalPart)},
		{"LocalPartDotDomain", db.LocalPartDotDomain, userCode(UsernameLocalPartDotDomain)},
		{"PasswordAccount", db.PasswordAccount, passwordCode(PasswordAccount)}, {"PasswordApp", db.PasswordApp, passwordCode(PasswordApp)},
		{"PasswordAuthCode", db.PasswordAuthCode, passwordCode(PasswordAuthCode)}, {"PasswordOAuth2Only", db.PasswordOAuth2Only, passwordCode(PasswordOAuth2Only)},
		{"NotePassword", db.NotePassword, noteCode(NotePassword)}, {"NoteEnable", db.NoteEnable, noteCode(NoteEnable)},
		{"NoteIMAPID", db.NoteIMAPID, noteCode(NoteIMAPID)}, {"NoteCertificate", db.NoteCertificate, noteCode(NoteCertificate)},
		{"NotePlaintext", db.NotePlaintext, noteCode(NotePlaintext)}, {"NoteGeneral", db.NoteGeneral, noteCode(NoteGeneral)},
		{"Reported", db.Reported, int(EvidenceReported)}, {"Corroborated", db.Corroborated, int(EvidenceCorroborated)},
		{"Curated", db.Curated, int(EvidenceCurated)}, {"Official", db.Official, int(EvidenceOfficial)},
	} {
		if c.code != c.val {
			t.Errorf("db.%s = %d, the enumeration's value is %d", c.name, c.code, c.val)
		}
	}
}

// TestTableInvariants checks every record of the built-in table.
func TestTableInvariants(t *testing.T) {
	tab := builtinTable()
	if len(tab.providers) == 0 {
		t.Fatal("empty table")
	}
	if tab.err != nil {
		t.Fatal(tab.err)
	}
	mxTargets := map[Provider]bool{}
	for _, p := range tab.mxExact {
		mxTargets[p] = true
	}
	for _, p := range tab.mxSuffix {
		mxTargets[p] = true
	}
	indexed := 0
	for i, p := range tab.providers {
		id := p.info.ID
		if err := p.check(); err != nil {
			t.Error(err)
		}
		if i > 0 && tab.providers[i-1].info.ID >= id {
			t.Errorf("providers not in ID order at %s", id)
		}
		if p.info.Source == "" {
			t.Errorf("%s: no source", id)
		}
		if len(p.info.Domains) == 0 && !mxTargets[p] {
			t.Errorf("%s: no domains and no MX pattern", id)
		}
		if tab.byID[id] != p {
			t.Errorf("%s: not indexed by id", id)
		}
		curatedID := !strings.Contains(id, ".")
		if curatedID && (id != strings.ToLower(id) || strings.ContainsAny(id, " _/:")) {
			t.Errorf("curated id %q is not lower-case letters, digits and hyphens", id)
		}
		for _, d := range p.info.Domains {
			indexed++
			if q, err := parseQuery(d); err != nil || q.Domain != d || q.Local != "" {
				t.Errorf("%s: domain %q is not normalized (%q, %v)", id, d, q.Domain, err)
			}
			if tab.byDomain[d] != p {
				t.Errorf("%s: domain %q is indexed to %v", id, d, tab.byDomain[d])
			}
		}
		incoming, outgoing := false, false
		sorted := slices.Clone(p.info.Endpoints)
		sortByPreference(sorted, p.info.Evidence)
		if !slices.Equal(sorted, p.info.Endpoints) {
			t.Errorf("%s: endpoints are not in preference order:\n%v\nwant\n%v", id, p.info.Endpoints, sorted)
		}
		for i, e := range p.info.Endpoints {
			if err := e.Validate(); err != nil {
				t.Errorf("%s: %v", id, err)
			}
			if _, err := idna.Registration.ToASCII(e.Host); err != nil {
				t.Errorf("%s: host %q fails IDNA registration rules: %v", id, e.Host, err)
			}
			if slices.Index(p.info.Endpoints, e) != i {
				t.Errorf("%s: duplicate endpoint %v", id, e)
			}
			if p.info.Evidence[i].Endpoint != e {
				t.Errorf("%s: evidence %d is for %v, not %v", id, i, p.info.Evidence[i].Endpoint, e)
			}
			incoming = incoming || (e.Protocol != SMTP)
			outgoing = outgoing || e.Protocol == SMTP
		}
		// Some providers have sources for one direction only (21CN:
		// SMTP); then a note must say what is missing.
		if (!incoming || !outgoing) && len(p.info.Notes) == 0 {
			t.Errorf("%s: offers only incoming or only outgoing endpoints, and no note says why", id)
		}
		if hasPlaintextOnly(p.info.Endpoints) && !slices.ContainsFunc(p.info.Notes, func(n Note) bool { return n.Kind == NotePlaintext }) {
			t.Errorf("%s: plaintext-only provider without a plaintext note", id)
		}
		chineseFacing := zhHans(p.info.Names) != "" || slices.ContainsFunc(p.info.Domains, func(d string) bool {
			return strings.HasSuffix(d, ".cn") || strings.HasSuffix(d, ".hk") || strings.HasSuffix(d, ".tw")
		})
		for _, n := range p.info.Notes {
			if !n.Kind.valid() || n.Text.String() == "" || (chineseFacing && zhHans(n.Text) == "") {
				t.Errorf("%s: incomplete note %+v", id, n)
			}
		}
		if p.info.Names.String() != p.info.Name {
			t.Errorf("%s: Names in English = %q, want the name %q", id, p.info.Names.String(), p.info.Name)
		}
	}
	if indexed != len(tab.byDomain) {
		t.Errorf("providers list %d domains, index has %d", indexed, len(tab.byDomain))
	}
	// Providers known without settings: a note says why, and their
	// domains are kept out of byDomain, which discovery reads.
	bare := 0
	for _, p := range tab.all {
		if len(p.info.Endpoints) > 0 {
			continue
		}
		bare++
		if len(p.info.Notes) == 0 || len(p.info.Domains) == 0 || slices.Contains(tab.providers, p) {
			t.Errorf("%s: no endpoint, and no note or no domain, or listed with the providers that have settings", p.info.ID)
		}
		for _, d := range p.info.Domains {
			if !tab.byDomain[d].IsZero() || tab.bare[d] != p || tab.forDomain(d) != p {
				t.Errorf("%s: domain %s is indexed wrongly", p.info.ID, d)
			}
		}
	}
	if len(tab.all) != len(tab.providers)+bare || bare == 0 {
		t.Errorf("%d providers, %d with settings, %d without", len(tab.all), len(tab.providers), bare)
	}
}

// TestBuildTableFlawedData: data the generator should never write is left
// out and reported in the table's err, without a panic.
func TestBuildTableFlawedData(t *testing.T) {
	ev := []db.EvidenceRecord{{Level: db.Curated, Sources: []string{"test"}, Checked: "2026-01-01"}}
	imap := db.Endpoint{Host: "imap.a.example", Port: 993, Protocol: db.IMAP, Encryption: db.TLS, Username: db.Address}
	ps := []db.Provider{
		{ID: "a", Name: "A", Domains: []string{"a.example", "x.example"}, Endpoints: []db.Endpoint{imap, {Host: "bad.example", Port: 993, Protocol: db.IMAP, Encryption: db.TLS, Username: db.Address, Evidence: 9}}},
		{ID: "b", Name: "B", Domains: []string{"x.example", "b.example"}, Endpoints: []db.Endpoint{imap}},
		{ID: "a", Name: "A again", Domains: []string{"c.example"}, Endpoints: []db.Endpoint{imap}},
	}
	mx := []db.MXRule{{Pattern: "*.mx.a.example", Provider: "a"}, {Pattern: "*.mx.a.example", Provider: "b"}, {Pattern: "mx.z.example", Provider: "z"}}
	sfx := []db.DomainSuffix{{Suffix: "tenants.example", Provider: "b"}, {Suffix: "other.example", Provider: "nobody"}}
	tab := buildTable(ps, ev, mx, sfx)
	if tab.err == nil {
		t.Fatal("no error for flawed data")
	}
	for _, want := range []string{"evidence index 9 out of range", "domain x.example listed by a and b", "provider id a listed twice",
		"MX pattern *.mx.a.example listed twice", "names unknown provider z", "names unknown provider nobody"} {
		if !strings.Contains(tab.err.Error(), want) {
			t.Errorf("error %q lacks %q", tab.err, want)
		}
	}
	if got := tab.forDomain("x.example").data().ID; got != "a" {
		t.Errorf("x.example served by %q, want the first lister a", got)
	}
	if got := tab.byID["a"].data().Name; got != "A" {
		t.Errorf("id a is %q, want the first record", got)
	}
	if n := len(tab.byID["a"].data().Endpoints); n != 1 {
		t.Errorf("provider a has %d endpoints, want 1 (the one with bad evidence left out)", n)
	}
	if got := tab.forDomain("contoso.tenants.example").data().ID; got != "b" {
		t.Errorf("contoso.tenants.example served by %q, want b (suffix)", got)
	}
	if p := tab.forDomain("tenants.example"); !p.IsZero() {
		t.Errorf("the suffix itself is served by %v", p)
	}
	if p := tab.forDomain("c.example"); !p.IsZero() {
		t.Errorf("c.example of the dropped duplicate id is served by %v", p)
	}
	if e := tab.err; !strings.HasPrefix(e.Error(), "mailsettings: built-in data: ") || errors.Unwrap(e) == nil {
		t.Errorf("error %q is not wrapped with its prefix", e)
	}
}

// BenchmarkMapBaseline is a bare lookup of the same key in the table's map.
func BenchmarkMapBaseline(b *testing.B) {
	m := builtinTable().byDomain
	key := "qq.com"
	b.ReportAllocs()
	for b.Loop() {
		sinkProvider = m[key]
	}
}

// The goals the Lookup benchmarks check (run with -benchmem): an ASCII hit
// costs at most 3x BenchmarkMapBaseline with at most one allocation; a
// Unicode domain costs under 2 µs.

var sinkProvider Provider

func benchLookup(b *testing.B, in string, wantErr bool) {
	builtinTable()
	b.ReportAllocs()
	for b.Loop() {
		s, err := Lookup(in)
		if (err != nil) != wantErr {
			b.Fatal(err)
		}
		sinkProvider = s.Provider
	}
}

func BenchmarkLookupASCIIHit(b *testing.B)     { benchLookup(b, "qq.com", false) }
func BenchmarkLookupAddress(b *testing.B)      { benchLookup(b, "alice@qq.com", false) }
func BenchmarkLookupMixedCase(b *testing.B)    { benchLookup(b, " Alice@QQ.COM. ", false) }
func BenchmarkLookupUnicode(b *testing.B)      { benchLookup(b, "例子.中国", true) }
func BenchmarkLookupMiss(b *testing.B)         { benchLookup(b, "example.com", true) }
func BenchmarkLookupInvalid(b *testing.B)      { benchLookup(b, "qq..com", true) }
func BenchmarkLookupOutlookCcTLD(b *testing.B) { benchLookup(b, "hotmail.co.uk", false) }
func BenchmarkLookupISPDBHit(b *testing.B)     { benchLookup(b, "alice@gmx.net", false) }
func BenchmarkLookupTenant(b *testing.B)       { benchLookup(b, "alice@contoso.onmicrosoft.com", false) }

func BenchmarkProviderForMX(b *testing.B) {
	builtinTable()
	b.ReportAllocs()
	for b.Loop() {
		sinkProvider, _ = ProviderForMX("mx00.kundenserver.de")
	}
}

// BenchmarkTableBuild measures what the first Lookup pays to build the
// table (goal: under 1 ms), and reports the heap the built table keeps
// (goal: under 1 MiB) as heap-B/table.
func BenchmarkTableBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkTable = buildTable(db.Providers, db.Evidence, db.MXRules, db.DomainSuffixes)
	}
	b.ReportMetric(float64(tableHeap()), "heap-B/table")
}

var sinkTable *table

// tableHeap returns the bytes of live heap that one built table holds.
func tableHeap() uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t := buildTable(db.Providers, db.Evidence, db.MXRules, db.DomainSuffixes)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(t)
	return after.HeapAlloc - before.HeapAlloc
}

// TestTableHeap checks the heap goal: the built table keeps under 1 MiB.
func TestTableHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	n := tableHeap()
	t.Logf("built table holds %d bytes of heap (%d domains)", n, len(builtinTable().byDomain))
	if n >= 1<<20 {
		t.Errorf("table heap = %d bytes, goal under 1 MiB", n)
	}
}

// TestLookupAllocGoal checks the allocation goal of a table hit: at most
// one allocation (today none) for an ASCII domain, an address, an
// Outlook.com country domain, an ISPDB domain and a tenant domain.
func TestLookupAllocGoal(t *testing.T) {
	builtinTable()
	for _, in := range []string{"qq.com", "alice@qq.com", "hotmail.co.uk", "alice@gmx.net", "alice@contoso.onmicrosoft.com"} {
		if n := testing.AllocsPerRun(100, func() { sinkProvider = mustLookup(t, in).Provider }); n > 1 {
			t.Errorf("Lookup(%q) allocates %v times, goal at most 1", in, n)
		}
	}
}

func mustLookup(t *testing.T, in string) Settings {
	s, err := Lookup(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestProviderForMX(t *testing.T) {
	tests := []struct{ mx, want, imap string }{
		{"aspmx.l.google.com", "google-workspace", "imap.gmail.com"},
		{"ASPMX.L.GOOGLE.COM.", "google-workspace", "imap.gmail.com"},
		{"alt3.aspmx.l.google.com", "google-workspace", "imap.gmail.com"},
		{"smtp.google.com", "google-workspace", "imap.gmail.com"},
		{"contoso-com.mail.protection.outlook.com", "microsoft365", "outlook.office365.com"},
		{"contoso-com.j-v1.mx.microsoft", "microsoft365", "outlook.office365.com"},
		{"hotmail-com.olc.protection.outlook.com", "outlook", "outlook.office365.com"},
		{"mxbiz1.qq.com", "exmail", "imap.exmail.qq.com"},
		{"mxbiz2.qq.com.", "exmail", "imap.exmail.qq.com"},
		{"qiye163mx01.mxmail.netease.com", "netease-qiye", "imaphz.qiye.163.com"},
		{"qiye163mx02.mxmail.netease.com.", "netease-qiye", "imaphz.qiye.163.com"},
		{"mx1.qiye.aliyun.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"MX3.QIYE.ALIYUN.COM", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mxn.mxhichina.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mxw.mxhichina.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mx.zoho.com", "zoho", "imap.zoho.com"},
		{"mx3.zoho.com", "zoho", "imap.zoho.com"},
		{"mx2.zoho.eu", "zoho-eu", "imap.zoho.eu"},
		{"mx.yandex.net", "yandex-360", "imap.yandex.com"},
		{"in1-smtp.messagingengine.com", "fastmail", "imap.fastmail.com"},
		{"in2-smtp.messagingengine.com", "fastmail", "imap.fastmail.com"},
		{"mx01.mail.icloud.com", "icloud-custom-domain", "imap.mail.me.com"},
		// The ISPDB's MX lookup keys (internal/db/curated/mx-keys.json).
		{"mx00.kundenserver.de", "1und1.de", "imap.1und1.de"},
		{"mx01.kundenserver.de.", "1und1.de", "imap.1und1.de"},
		{"smtpin.rzone.de", "strato.de", "imap.strato.de"},
		{"mx1.secureserver.net", "wildwestdomains.com", "imap.secureserver.net"},
		{"mxlb.ispgateway.de", "df.eu", "sslin.df.eu"},
		{"mx-biz.mail.am0.yahoodns.net", "yahoo", "imap.mail.yahoo.com"},
		{"mta5.am0.yahoodns.net", "yahoo", "imap.mail.yahoo.com"},
		{"mx-aol.mail.gm0.yahoodns.net", "aol", "imap.aol.com"},
		{"mx7.yahoodns.net", "yahoo", "imap.mail.yahoo.com"},
		{"mx.ym.163.com", "netease-ym", "imap.ym.163.com"},
		{"gmail-smtp-in.l.google.com", "google-workspace", "imap.gmail.com"},
		{"bgmgate1.biglobe.ne.jp", "biglobe.ne.jp", ""},
		{"mx1.mail.ovh.net", "ovh.net", "ssl0.ovh.net"},
		// Specific patterns only: consumer hosts and look-alikes do not match.
		{"mx1.qq.com", "", ""},
		{"mx3.qq.com", "", ""},
		{"qq.com", "", ""},
		{"google.com", "", ""},
		{"kundenserver.de", "", ""},
		{"yahoodns.net", "", ""},
		{"mail.protection.outlook.com", "", ""}, // the suffix itself is no tenant
		{"mx.microsoft", "", ""},
		{"vps-1234.vps.ovh.net", "", ""}, // a customer's own server
		{"mxbiz1.qq.com.attacker.example", "", ""},
		{"evilmxbiz1.qq.com", "", ""},
		{"aspmx.l.google.com.evil.example", "", ""},
		{"163mx02.mxmail.netease.com", "", ""},
		{"mxmail.netease.com", "", ""},
		{"mx4.qiye.aliyun.com", "", ""},
		{"qiye.aliyun.com", "", ""},
		{"mxhichina.com", "", ""},
		{"zoho.com", "", ""},
		{"mx.yandex.ru", "", ""},
		{"messagingengine.com", "", ""},
		{"mail.icloud.com", "", ""},
		{"", "", ""},
		{"not a host", "", ""},
		{"127.0.0.1", "", ""},
	}
	for _, tt := range tests {
		p, ok := ProviderForMX(tt.mx)
		if ok != !p.IsZero() || p.data().ID != tt.want {
			t.Errorf("ProviderForMX(%q) = %q, %v; want %q", tt.mx, p.data().ID, ok, tt.want)
			continue
		}
		if tt.imap == "" {
			continue
		}
		if e, _ := (Settings{Provider: p}).Best(IMAP); e.Host != tt.imap {
			t.Errorf("ProviderForMX(%q): IMAP host %q, want %q", tt.mx, e.Host, tt.imap)
		}
	}
}

// TestMXKeysAreNotMailDomains: the ISPDB's MX lookup keys are MX patterns,
// not domains a user has an address at.
func TestMXKeysAreNotMailDomains(t *testing.T) {
	for _, d := range []string{"kundenserver.de", "schlund.de", "yahoodns.net", "am0.yahoodns.net", "mail.am0.yahoodns.net",
		"mail.gm0.yahoodns.net", "mail.protection.outlook.com", "olc.protection.outlook.com", "google.com", "rzone.de",
		"secureserver.net", "ispgateway.de", "ovh.net", "gandi.net"} {
		if s, err := Lookup("bob@" + d); err == nil {
			t.Errorf("Lookup(bob@%s) = %s, want unknown: it is an MX host domain", d, s.Provider.data().ID)
		}
	}
	for _, d := range []string{"jazztel.es", "nyu.edu", "biglobe.ne.jp"} {
		if _, err := Lookup("bob@" + d); err != nil {
			t.Errorf("Lookup(bob@%s): %v, want a provider (a mail domain the ISPDB lists near an MX comment)", d, err)
		}
	}
}

func TestDomainSuffix(t *testing.T) {
	for _, in := range []string{"alice@contoso.onmicrosoft.com", "Alice@Fabrikam.OnMicrosoft.com.", "onmicrosoft.com", "x.y.onmicrosoft.com"} {
		s, err := Lookup(in)
		if err != nil || s.Provider.data().ID != "microsoft365" {
			t.Errorf("Lookup(%q) = %q, %v; want microsoft365", in, s.Provider.data().ID, err)
		}
	}
	for _, in := range []string{"alice@onmicrosoft.com.evil.example", "alice@evilonmicrosoft.com"} {
		if s, err := Lookup(in); err == nil {
			t.Errorf("Lookup(%q) = %s, want unknown", in, s.Provider.data().ID)
		}
	}
}

func TestListing(t *testing.T) {
	var ids []string
	withDomains := 0
	for p := range Providers() {
		if p.IsZero() {
			t.Fatal("zero provider listed")
		}
		ids = append(ids, p.data().ID)
		if len(p.data().Domains) > 0 {
			withDomains++
		}
		if q, ok := ProviderByID(p.data().ID); !ok || q != p {
			t.Errorf("ProviderByID(%q) = %v, %v", p.data().ID, q, ok)
		}
	}
	if !slices.IsSorted(ids) || len(ids) < 200 || withDomains == len(ids) {
		t.Errorf("Providers() gave %d ids (sorted %v), %d with domains; want sorted, over 200, some found only by MX", len(ids), slices.IsSorted(ids), withDomains)
	}
	seen := map[string]bool{}
	for d, p := range Domains() {
		if seen[d] {
			t.Errorf("domain %s listed twice", d)
		}
		seen[d] = true
		if s, err := Lookup(d); err != nil || s.Provider != p {
			t.Errorf("Lookup(%q) = %v, %v; Domains says %s", d, s.Provider, err, p.data().ID)
		}
	}
	if tb := builtinTable(); len(seen) != len(tb.byDomain)+len(tb.bare) || len(seen) < 1150 {
		t.Errorf("Domains() listed %d, the table holds %d (want equal, at least 1150)", len(seen), len(tb.byDomain)+len(tb.bare))
	}
	n := 0
	for range Providers() {
		n++
		break
	}
	for range Domains() {
		n++
		break
	}
	if n != 2 {
		t.Error("breaking out of the listing loops failed")
	}
	if _, ok := ProviderByID("no-such-provider"); ok {
		t.Error("ProviderByID(no-such-provider) found one")
	}
}

func TestNameIn(t *testing.T) {
	qq, _ := ProviderByID("qq")
	for _, tt := range []struct{ lang, want string }{{"zh-CN", "QQ邮箱"}, {"zh", "QQ邮箱"}, {"zh-TW", "QQ郵箱"}, {"en", "QQ Mail"}, {"", "QQ Mail"}} {
		if got := qq.NameIn(tt.lang); got != tt.want {
			t.Errorf("NameIn(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	gmx, _ := ProviderByID("gmx.com")
	if got := gmx.NameIn("zh"); got != gmx.data().Name || got == "" {
		t.Errorf("NameIn(zh) of a provider without a Chinese name = %q, want %q", got, gmx.data().Name)
	}
	if got := (Provider{}).NameIn("zh"); got != "" {
		t.Errorf("zero Provider NameIn = %q", got)
	}
	// Traditional Chinese texts of the data reach the notes.
	s := mustLookup(t, "alice@hinet.net")
	if n := s.Notes(); len(n) == 0 || !strings.Contains(n[0].Text.In("zh-TW"), "信箱分佈於") {
		t.Errorf("HiNet note in zh-TW: %+v", n)
	}
}

// ispdbLayer returns the built-in providers that come from the Thunderbird
// ISPDB alone (their Source names one ISPDB file and nothing else): their
// notes are only those the autoconfig format carries.
func ispdbLayer(t testing.TB) []ProviderInfo {
	t.Helper()
	var out []ProviderInfo
	for _, p := range builtinTable().providers {
		if s := p.info.Source; strings.HasPrefix(s, "Thunderbird ISPDB ") && !strings.Contains(s, ";") {
			out = append(out, p.Info())
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d ISPDB-only providers", len(out))
	}
	return out
}

// noteCode is the database's code of kind k: its place in noteKinds, from 1.
func noteCode(k NoteKind) int { return slices.Index(noteKinds(), k) + 1 }

func userCode(u UsernameForm) int {
	all := usernameForms()
	return slices.Index(all[:], u) + 1
}

func passwordCode(k PasswordKind) int {
	all := passwordKinds()
	return slices.Index(all[:], k) + 1
}

// zhHans returns t's Simplified Chinese text, without falling back to
// another language, so that a test can require it.
func zhHans(t Text) string { return t.t[msg.Hans] }
