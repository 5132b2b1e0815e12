package dnssectest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// ask sends one question with DO (and AD, or CD when cd is set) to addr
// with miekg/dns, independent of the stub under test.
func ask(t *testing.T, addr, name string, qtype uint16, cd bool) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.SetEdns0(1232, true)
	m.AuthenticatedData = !cd
	m.CheckingDisabled = cd
	c := &dns.Client{Timeout: 5 * time.Second}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s: %v", name, dns.TypeToString[qtype], err)
	}
	return resp
}

// ede returns the extended DNS error codes (RFC 8914) of a response.
func ede(m *dns.Msg) []uint16 {
	var codes []uint16
	if opt := m.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if e, ok := o.(*dns.EDNS0_EDE); ok {
				codes = append(codes, e.InfoCode)
			}
		}
	}
	return codes
}

// TestHarness checks, with a DNS client other than the stub, that unbound
// validates the test zones as documented, for the reasons documented.
func TestHarness(t *testing.T) {
	r := Start(t)
	t.Log(r)
	for _, tc := range []struct {
		domain string
		rcode  int
		ad     bool
		ede    []uint16
	}{
		{Secure, dns.RcodeSuccess, true, nil},
		{Insecure, dns.RcodeSuccess, false, nil},
		{Bogus, dns.RcodeServerFailure, false, []uint16{dns.ExtendedErrorCodeSignatureExpired}},
		{Tampered, dns.RcodeServerFailure, false, []uint16{dns.ExtendedErrorCodeDNSBogus}},
	} {
		for _, q := range []struct {
			name  string
			qtype uint16
		}{
			{"_imaps._tcp." + tc.domain, dns.TypeSRV},
			{"_submissions._tcp." + tc.domain, dns.TypeSRV},
			{tc.domain, dns.TypeMX},
			{"_ua-auto-config." + tc.domain, dns.TypeTXT},
			{"imap." + tc.domain, dns.TypeA},
			{"mail." + tc.domain, dns.TypeAAAA}, // through the CNAME
		} {
			resp := ask(t, r.Addr, q.name, q.qtype, false)
			if resp.Rcode != tc.rcode || resp.AuthenticatedData != tc.ad || !slices.Equal(ede(resp), tc.ede) {
				t.Errorf("%s %s: rcode %s AD %v EDE %v, want %s %v %v", q.name, dns.TypeToString[q.qtype],
					dns.RcodeToString[resp.Rcode], resp.AuthenticatedData, ede(resp), dns.RcodeToString[tc.rcode], tc.ad, tc.ede)
			}
			if tc.rcode == dns.RcodeSuccess && len(resp.Answer) == 0 {
				t.Errorf("%s %s: no answer", q.name, dns.TypeToString[q.qtype])
			}
			// With checking disabled the data comes through: the
			// SERVFAIL is the validator's verdict, not missing data.
			if cd := ask(t, r.Addr, q.name, q.qtype, true); cd.Rcode != dns.RcodeSuccess || len(cd.Answer) == 0 {
				t.Errorf("%s %s with CD: rcode %s, %d answers", q.name, dns.TypeToString[q.qtype],
					dns.RcodeToString[cd.Rcode], len(cd.Answer))
			}
		}
	}

	// The tampered data is what an attacker would send.
	resp := ask(t, r.Addr, "_imaps._tcp."+Tampered, dns.TypeSRV, true)
	if srv, ok := resp.Answer[0].(*dns.SRV); !ok || srv.Target != "attacker.example." {
		t.Errorf("tampered SRV %v", resp.Answer[0])
	}

	// Insecure was proven insecure by the parent's signed denial of a DS
	// record, not assumed.
	if q := r.AuthQuestions(); !slices.Contains(q, Insecure+" DS") {
		t.Errorf("unbound never asked for %s DS: %v", Insecure, q)
	}
}

// TestHarnessDenials: authenticated denials need the NSEC records the
// authoritative server picks; unbound accepts them only if they prove the
// denial.
func TestHarnessDenials(t *testing.T) {
	r := Start(t)
	for _, tc := range []struct {
		name  string
		qtype uint16
		rcode int
		ad    bool
	}{
		{"nothing-here." + Secure, dns.TypeSRV, dns.RcodeNameError, true},
		{"_pop3s._tcp." + Secure, dns.TypeSRV, dns.RcodeNameError, true},
		{"zzz." + Secure, dns.TypeMX, dns.RcodeNameError, true}, // after the last name
		{Secure, dns.TypeTXT, dns.RcodeSuccess, true},           // NODATA at the apex
		{"_tcp." + Secure, dns.TypeTXT, dns.RcodeSuccess, true}, // an empty non-terminal
		{"imap." + Secure, dns.TypeMX, dns.RcodeSuccess, true},
		{"nothing-here." + Insecure, dns.TypeSRV, dns.RcodeNameError, false},
		{Insecure, dns.TypeTXT, dns.RcodeSuccess, false},
		{"nothing-here." + Bogus, dns.TypeSRV, dns.RcodeServerFailure, false},
	} {
		resp := ask(t, r.Addr, tc.name, tc.qtype, false)
		if resp.Rcode != tc.rcode || resp.AuthenticatedData != tc.ad || len(resp.Answer) != 0 {
			t.Errorf("%s %s: rcode %s AD %v, %d answers; want %s %v, none", tc.name, dns.TypeToString[tc.qtype],
				dns.RcodeToString[resp.Rcode], resp.AuthenticatedData, len(resp.Answer), dns.RcodeToString[tc.rcode], tc.ad)
		}
	}
}

// TestHarnessStaysOnLoopback: names outside the test zones are refused,
// not looked up on the internet.
func TestHarnessStaysOnLoopback(t *testing.T) {
	r := Start(t)
	for _, name := range []string{"example.com.", "test.", "other.test.", "."} {
		if resp := ask(t, r.Addr, name, dns.TypeNS, false); resp.Rcode != dns.RcodeRefused {
			t.Errorf("%s: rcode %s, want REFUSED", name, dns.RcodeToString[resp.Rcode])
		}
	}
}

// TestHarnessAuthSetsNoAD: the authoritative server validates nothing, so
// asked directly it never sets AD; only unbound does.
func TestHarnessAuthSetsNoAD(t *testing.T) {
	r := Start(t)
	resp := ask(t, r.AuthAddr, "_imaps._tcp."+Secure, dns.TypeSRV, false)
	if resp.Rcode != dns.RcodeSuccess || resp.AuthenticatedData || len(resp.Answer) != 2 {
		t.Errorf("auth server: rcode %s AD %v answers %v", dns.RcodeToString[resp.Rcode], resp.AuthenticatedData, resp.Answer)
	}
}

func TestHarnessExtraRecords(t *testing.T) {
	r := Start(t,
		"_imap._tcp.example.test. 300 IN SRV 0 1 143 imap.example.test.",
		"_imap._tcp.insecure.example.test. 300 IN SRV 0 1 143 imap.insecure.example.test.",
		"_imap._tcp.tampered.example.test. 300 IN SRV 0 1 143 imap.tampered.example.test.",
	)
	for name, want := range map[string]int{
		"_imap._tcp." + Secure:   dns.RcodeSuccess,
		"_imap._tcp." + Insecure: dns.RcodeSuccess,
		"_imap._tcp." + Tampered: dns.RcodeServerFailure,
	} {
		resp := ask(t, r.Addr, name, dns.TypeSRV, false)
		if resp.Rcode != want || want == dns.RcodeSuccess && len(resp.Answer) == 0 {
			t.Errorf("%s: rcode %s, %d answers; want %s", name, dns.RcodeToString[resp.Rcode], len(resp.Answer), dns.RcodeToString[want])
		}
	}
}

func TestRecords(t *testing.T) {
	recs := Records("Example.TEST")
	if len(recs) == 0 || !strings.HasPrefix(recs[0], "example.test. ") {
		t.Fatalf("Records: %q", recs)
	}
	for _, r := range recs {
		if _, err := dns.NewRR(r); err != nil {
			t.Errorf("%q: %v", r, err)
		}
	}
}
