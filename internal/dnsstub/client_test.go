package dnsstub

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"
)

func TestQueryFlags(t *testing.T) {
	s := newTestServer(t, answer(t, true, "_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap.example.test."))
	c := s.client()
	for range 2 {
		if _, err := c.Lookup(context.Background(), "_imaps._tcp.example.test", dnsmessage.TypeSRV); err != nil {
			t.Fatal(err)
		}
	}
	qs := s.received()
	if len(qs) != 2 {
		t.Fatalf("server got %d queries, want 2", len(qs))
	}
	for _, q := range qs {
		m := q.msg
		if q.network != "udp" {
			t.Errorf("query over %s, want udp", q.network)
		}
		if !m.RecursionDesired || !m.AuthenticatedData || m.CheckingDisabled || m.Response {
			t.Errorf("query flags RD=%v AD=%v CD=%v QR=%v, want RD and AD only", m.RecursionDesired, m.AuthenticatedData, m.CheckingDisabled, m.Response)
		}
		opt := m.IsEdns0()
		if opt == nil || !opt.Do() || opt.UDPSize() != 1232 || opt.Version() != 0 {
			t.Fatalf("query has OPT %v, want EDNS0 version 0 with DO and payload 1232", opt)
		}
		if len(m.Question) != 1 || m.Question[0].Name != "_imaps._tcp.example.test." || m.Question[0].Qtype != dns.TypeSRV || m.Question[0].Qclass != dns.ClassINET {
			t.Errorf("question %v", m.Question)
		}
	}
	if qs[0].msg.Id == qs[1].msg.Id {
		// Equal IDs happen once in 65536 runs.
		t.Logf("two queries had the same ID %d", qs[0].msg.Id)
	}
}

func TestQueryIDsVary(t *testing.T) {
	s := newTestServer(t, answer(t, false, "example.test. 60 IN MX 10 mx.example.test."))
	c := s.client()
	for range 20 {
		if _, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeMX); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[uint16]bool{}
	for _, q := range s.received() {
		ids[q.msg.Id] = true
	}
	// 20 random 16-bit IDs are all equal with probability 2^-304.
	if len(ids) < 2 {
		t.Fatalf("20 queries used %d distinct IDs", len(ids))
	}
}

func TestAuthenticatedFromLoopback(t *testing.T) {
	for _, ad := range []bool{true, false} {
		t.Run(fmt.Sprint("AD=", ad), func(t *testing.T) {
			s := newTestServer(t, answer(t, ad,
				"_imaps._tcp.Example.TEST. 60 IN SRV 10 5 993 IMAP.example.test.",
				"_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap2.example.test.",
			))
			resp, err := s.client().Lookup(context.Background(), "_imaps._tcp.example.test.", dnsmessage.TypeSRV)
			if err != nil {
				t.Fatal(err)
			}
			if resp.AD != ad || resp.Authenticated != ad {
				t.Errorf("AD=%v Authenticated=%v, want both %v", resp.AD, resp.Authenticated, ad)
			}
			want := []*net.SRV{
				{Target: "imap.example.test.", Port: 993, Priority: 10, Weight: 5},
				{Target: "imap2.example.test.", Port: 993, Priority: 0, Weight: 1},
			}
			if !slices.EqualFunc(resp.SRV, want, func(a, b *net.SRV) bool { return *a == *b }) {
				t.Errorf("SRV %s, want %s", srvString(resp.SRV), srvString(want))
			}
			if resp.Server != s.addr || resp.Name != "_imaps._tcp.example.test." || resp.CNAME != resp.Name || resp.TCP {
				t.Errorf("Server %q Name %q CNAME %q TCP %v", resp.Server, resp.Name, resp.CNAME, resp.TCP)
			}

			// The net.Resolver-shaped method sorts by priority.
			cname, srvs, auth, err := s.client().LookupSRVAuthenticated(context.Background(), "imaps", "tcp", "example.test.")
			if err != nil || auth != ad || cname != "_imaps._tcp.example.test." {
				t.Fatalf("LookupSRVAuthenticated: %q %v %v", cname, auth, err)
			}
			if srvString(srvs) != srvString([]*net.SRV{want[1], want[0]}) {
				t.Errorf("LookupSRVAuthenticated sorted %s", srvString(srvs))
			}
		})
	}
}

// TestPolicyAppliesToServer simulates a resolver that is not on loopback:
// the client names 192.0.2.53 (TEST-NET-1) as its server, and Dial takes
// the connection to the test server. AD is seen but believed only when the
// policy names the server or trusts AD.
func TestPolicyAppliesToServer(t *testing.T) {
	s := newTestServer(t, answer(t, true, "example.test. 60 IN MX 10 mx.example.test."))
	remote := netip.MustParseAddr("192.0.2.53")
	for _, tc := range []struct {
		name   string
		policy Policy
		want   bool
	}{
		{"zero policy", Policy{}, false},
		{"other server trusted", Policy{Trusted: []netip.Addr{netip.MustParseAddr("192.0.2.54")}}, false},
		{"server trusted", Policy{Trusted: []netip.Addr{remote}}, true},
		{"trust-ad", Policy{TrustAD: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dialed []string
			c := &Client{Server: remote.String(), Policy: tc.policy, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
				dialed = append(dialed, network+" "+address)
				var d net.Dialer
				return d.DialContext(ctx, network, s.addr)
			}}
			resp, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(dialed, []string{"udp 192.0.2.53:53"}) {
				t.Errorf("dialed %q", dialed)
			}
			if !resp.AD || resp.Authenticated != tc.want {
				t.Errorf("AD=%v Authenticated=%v, want AD and Authenticated=%v", resp.AD, resp.Authenticated, tc.want)
			}
			mxs, auth, err := c.LookupMXAuthenticated(context.Background(), "example.test")
			if err != nil || auth != tc.want || len(mxs) != 1 || mxs[0].Host != "mx.example.test." {
				t.Errorf("LookupMXAuthenticated: %v %v %v", mxs, auth, err)
			}
		})
	}
}

func TestTruncatedFallsBackToTCP(t *testing.T) {
	var records []string
	for i := range 100 {
		records = append(records, fmt.Sprintf("big.example.test. 60 IN TXT \"record %03d %s\"", i, strings.Repeat("x", 50)))
	}
	full := answer(t, true, records...)
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		if w.RemoteAddr().Network() == "udp" {
			m := reply(req)
			m.Truncated = true
			_ = w.WriteMsg(m)
			return
		}
		full(w, req)
	})
	resp, err := s.client().Lookup(context.Background(), "big.example.test", dnsmessage.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.TCP || !resp.Authenticated || len(resp.TXT) != MaxRecords || resp.Omitted != 100-MaxRecords {
		t.Errorf("TCP=%v Authenticated=%v, %d TXT records, %d omitted; want TCP, authenticated, %d and %d",
			resp.TCP, resp.Authenticated, len(resp.TXT), resp.Omitted, MaxRecords, 100-MaxRecords)
	}
	if got := resp.TXT[5]; len(got) != 1 || !strings.HasPrefix(got[0], "record 005 ") {
		t.Errorf("TXT[5] = %q", got)
	}
	var nets []string
	for _, q := range s.received() {
		nets = append(nets, q.network)
	}
	if !slices.Equal(nets, []string{"udp", "tcp"}) {
		t.Errorf("queries over %v, want udp then tcp", nets)
	}
}

func TestTruncatedOverTCP(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		m.Truncated = true
		_ = w.WriteMsg(m)
	})
	_, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeTXT)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
}

// TestMismatchedResponsesIgnored sends, before the real answer, responses
// that a forger or a confused server might: a wrong ID, a wrong question, a
// message without the response flag, an unparseable fragment. The client
// must wait for the response that matches.
func TestMismatchedResponsesIgnored(t *testing.T) {
	forged := parseRRs(t, "example.test. 60 IN MX 0 evil.example.")
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		send := func(edit func(m *dns.Msg)) {
			m := reply(req)
			m.Answer = forged
			m.AuthenticatedData = true
			edit(m)
			_ = w.WriteMsg(m)
		}
		send(func(m *dns.Msg) { m.Id++ })
		send(func(m *dns.Msg) { m.Question[0].Name = "other.example." })
		send(func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeA })
		send(func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS })
		send(func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) })
		send(func(m *dns.Msg) { m.Question = nil })
		send(func(m *dns.Msg) { m.Response = false })
		send(func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify })
		_, _ = w.Write([]byte{0x12})
		m := reply(req)
		m.Question[0].Name = "EXAMPLE.test." // case differs: still a match
		m.Answer = parseRRs(t, "example.test. 60 IN MX 10 mx.example.test.")
		_ = w.WriteMsg(m)
	})
	resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.MX) != 1 || resp.MX[0].Host != "mx.example.test." || resp.AD {
		t.Errorf("MX %v AD %v, want mx.example.test. without AD", resp.MX, resp.AD)
	}
}

func TestMismatchOverTCPFails(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		if w.RemoteAddr().Network() == "udp" {
			m.Truncated = true
		} else {
			m.Id++
		}
		_ = w.WriteMsg(m)
	})
	_, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v, want ErrBadResponse", err)
	}
}

func TestResponseCodes(t *testing.T) {
	for _, tc := range []struct {
		rcode    int
		want     error
		notFound bool
	}{
		{dns.RcodeNameError, ErrNXDomain, true},
		{dns.RcodeSuccess, ErrNoData, true},
		{dns.RcodeServerFailure, ErrServFail, false},
		{dns.RcodeRefused, ErrRefused, false},
		{dns.RcodeFormatError, ErrRcode, false},
		{dns.RcodeNotImplemented, ErrRcode, false},
		{dns.RcodeBadVers, ErrRcode, false}, // 16: needs the OPT record's extended bits
	} {
		t.Run(dns.RcodeToString[tc.rcode], func(t *testing.T) {
			s := newTestServer(t, rcode(tc.rcode))
			resp, err := s.client().Lookup(context.Background(), "_imaps._tcp.example.test", dnsmessage.TypeSRV)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			for _, other := range []error{ErrNXDomain, ErrNoData, ErrServFail, ErrRefused, ErrRcode} {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("err = %v is also %v", err, other)
				}
			}
			var de *net.DNSError
			if !errors.As(err, &de) || de.IsNotFound != tc.notFound || de.Name != "_imaps._tcp.example.test" || de.Server != s.addr {
				t.Errorf("DNSError %+v, want IsNotFound=%v", de, tc.notFound)
			}
			if resp == nil || int(resp.RCode) != tc.rcode {
				t.Fatalf("response %+v, want one with rcode %d", resp, tc.rcode)
			}
			if tc.rcode == dns.RcodeBadVers && !strings.Contains(err.Error(), "16") {
				t.Errorf("error %q does not name rcode 16", err)
			}
		})
	}
}

// TestAuthenticatedDenial: an NXDOMAIN with AD is an authenticated denial,
// and the response says so.
func TestAuthenticatedDenial(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		m.Rcode = dns.RcodeNameError
		m.AuthenticatedData = true
		_ = w.WriteMsg(m)
	})
	_, _, auth, err := s.client().LookupSRVAuthenticated(context.Background(), "imaps", "tcp", "example.test")
	if !errors.Is(err, ErrNXDomain) || !auth {
		t.Fatalf("authenticated %v, err %v; want true, NXDOMAIN", auth, err)
	}
}

// TestADOnErrorResponse: AD on a SERVFAIL or REFUSED means nothing.
func TestADOnErrorResponse(t *testing.T) {
	for _, code := range []int{dns.RcodeServerFailure, dns.RcodeRefused, dns.RcodeFormatError} {
		s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
			m := reply(req)
			m.Rcode = code
			m.AuthenticatedData = true
			_ = w.WriteMsg(m)
		})
		resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
		if err == nil || resp == nil || !resp.AD || resp.Authenticated {
			t.Errorf("%s: resp %+v err %v, want AD seen but not authenticated", dns.RcodeToString[code], resp, err)
		}
	}
}

func TestRecordsDroppedWithErrorResponse(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		m.Rcode = dns.RcodeServerFailure
		m.Answer = parseRRs(t, "example.test. 60 IN MX 10 mx.example.test.")
		_ = w.WriteMsg(m)
	})
	resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, ErrServFail) || resp == nil || len(resp.MX) != 0 {
		t.Fatalf("resp %+v err %v, want SERVFAIL without records", resp, err)
	}
}

func TestMalformedTargets(t *testing.T) {
	bad := []string{
		`bad_host.example.test.`,    // underscore in a host name
		`-lead.example.test.`,       // hyphen at a label's start
		`trail-.example.test.`,      // and at its end
		`localhost.`,                // a single label
		`192.0.2.1.`,                // an IP address
		`a\032b.example.test.`,      // a space
		`a\000b.example.test.`,      // NUL
		`a\127b.example.test.`,      // DEL
		`caf\195\169.example.test.`, // raw UTF-8
		`xn--zz.example.test.`,      // a Punycode label that does not decode
		`ab--cd.example.test.`,      // a reserved label
		`a\.b.example.test.`,        // a dot inside a label: the data does not parse
	}
	records := []string{
		"_imaps._tcp.example.test. 60 IN SRV 0 0 993 imap.example.test.",
		"_imaps._tcp.example.test. 60 IN SRV 0 0 993 xn--caf-dma.example.test.",
		"_imaps._tcp.example.test. 60 IN SRV 0 0 0 .",
		"_imaps._tcp.example.test. 60 IN A 192.0.2.1", // another type: skipped, not counted
	}
	for _, b := range bad {
		records = append(records, "_imaps._tcp.example.test. 60 IN SRV 0 0 993 "+b)
	}
	s := newTestServer(t, answer(t, true, records...))
	resp, err := s.client().Lookup(context.Background(), "_imaps._tcp.example.test", dnsmessage.TypeSRV)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, r := range resp.SRV {
		targets = append(targets, r.Target)
	}
	if want := []string{"imap.example.test.", "xn--caf-dma.example.test.", "."}; !slices.Equal(targets, want) {
		t.Errorf("targets %q, want %q", targets, want)
	}
	if resp.Malformed != len(bad) {
		t.Errorf("Malformed = %d, want %d", resp.Malformed, len(bad))
	}
	// The net.Resolver-shaped method returns the valid records and says
	// that some were dropped.
	_, srvs, err := s.client().LookupSRV(context.Background(), "imaps", "tcp", "example.test")
	if len(srvs) != 3 || !errors.Is(err, ErrMalformedRecords) {
		t.Errorf("LookupSRV: %d records, err %v; want 3 and ErrMalformedRecords", len(srvs), err)
	}
}

func TestOnlyMalformed(t *testing.T) {
	s := newTestServer(t, answer(t, true, `example.test. 60 IN MX 10 mx\032.example.test.`))
	resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, ErrMalformedRecords) || resp == nil || resp.Malformed != 1 || len(resp.MX) != 0 {
		t.Fatalf("resp %+v err %v, want ErrMalformedRecords with Malformed=1", resp, err)
	}
	var de *net.DNSError
	if !errors.As(err, &de) || de.IsNotFound {
		t.Errorf("DNSError %+v: malformed is not a 'not found'", de)
	}
}

// TestMalformedMessages: responses that match the question but whose
// answer section does not parse.
func TestMalformedMessages(t *testing.T) {
	good := parseRRs(t, "example.test. 60 IN MX 10 mx.example.test.")
	for _, tc := range []struct {
		name string
		edit func(b []byte) []byte
	}{
		{"cut in the answer", func(b []byte) []byte { return b[:len(b)-5] }},
		{"answer count too high", func(b []byte) []byte { b[7]++; return b }},
		{"compression loop", func(b []byte) []byte {
			// The answer's owner name (right after the 12-octet header
			// and the question) becomes a pointer to itself.
			off := 12 + len("\x07example\x04test\x00") + 4
			b[off], b[off+1] = 0xC0|byte(off>>8), byte(off)
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
				m := reply(req)
				m.Answer = good
				m.Extra = nil
				b, err := m.Pack()
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = w.Write(tc.edit(b))
			})
			_, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("err = %v, want ErrBadResponse", err)
			}
		})
	}
}

func TestCNAMEChain(t *testing.T) {
	for _, tc := range []struct {
		name      string
		records   []string
		wantCNAME string
		wantMX    []string
		wantErr   error
		malformed int
	}{
		{
			name: "two hops, out of order",
			records: []string{
				"b.example.test. 60 IN CNAME c.example.test.",
				"c.example.test. 60 IN MX 10 mx.example.test.",
				"a.example.test. 60 IN CNAME B.example.test.",
				"a.example.test. 60 IN MX 10 wrong-owner.example.test.",
				"other.example.test. 60 IN MX 10 other.example.test.",
			},
			wantCNAME: "c.example.test.", wantMX: []string{"mx.example.test."},
		},
		{
			name:      "target not in the answer",
			records:   []string{"a.example.test. 60 IN CNAME elsewhere.example.test."},
			wantCNAME: "elsewhere.example.test.", wantErr: ErrNoData,
		},
		{
			name: "loop",
			records: []string{
				"a.example.test. 60 IN CNAME b.example.test.",
				"b.example.test. 60 IN CNAME a.example.test.",
			},
			wantErr: ErrBadResponse,
		},
		{
			name: "too long",
			records: func() []string {
				var r []string
				for i := range maxCNAMEHops + 1 {
					from := "a.example.test."
					if i > 0 {
						from = fmt.Sprintf("a%d.example.test.", i)
					}
					r = append(r, fmt.Sprintf("%s 60 IN CNAME a%d.example.test.", from, i+1))
				}
				return append(r, fmt.Sprintf("a%d.example.test. 60 IN MX 10 mx.example.test.", maxCNAMEHops+1))
			}(),
			wantErr: ErrBadResponse,
		},
		{
			name: "malformed target",
			records: []string{
				`a.example.test. 60 IN CNAME b\032.example.test.`,
				`b\032.example.test. 60 IN MX 10 mx.example.test.`,
			},
			wantCNAME: "a.example.test.", wantErr: ErrMalformedRecords, malformed: 1,
		},
		{
			name: "second CNAME for one owner ignored",
			records: []string{
				"a.example.test. 60 IN CNAME b.example.test.",
				"a.example.test. 60 IN CNAME c.example.test.",
				"b.example.test. 60 IN MX 10 mx.example.test.",
				"c.example.test. 60 IN MX 10 wrong.example.test.",
			},
			wantCNAME: "b.example.test.", wantMX: []string{"mx.example.test."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, answer(t, false, tc.records...))
			resp, err := s.client().Lookup(context.Background(), "a.example.test", dnsmessage.TypeMX)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if resp == nil {
				if tc.wantCNAME != "" {
					t.Fatalf("no response, want CNAME %q", tc.wantCNAME)
				}
				return
			}
			var hosts []string
			for _, mx := range resp.MX {
				hosts = append(hosts, mx.Host)
			}
			if resp.CNAME != tc.wantCNAME || !slices.Equal(hosts, tc.wantMX) || resp.Malformed != tc.malformed {
				t.Errorf("CNAME %q MX %q Malformed %d, want %q %q %d", resp.CNAME, hosts, resp.Malformed, tc.wantCNAME, tc.wantMX, tc.malformed)
			}
		})
	}
}

func TestTXTStringsKeptSeparate(t *testing.T) {
	// The PACC test vector of draft-ietf-mailmaint-pacc-04, split into two
	// character-strings, beside a second record.
	s := newTestServer(t, answer(t, true,
		`_ua-auto-config.example.test. 60 IN TXT "v=UAAC1; a=sha256; " "d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="`,
		`_ua-auto-config.example.test. 60 IN TXT "other" "" "record"`,
	))
	resp, err := s.client().Lookup(context.Background(), "_ua-auto-config.example.test", dnsmessage.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"v=UAAC1; a=sha256; ", "d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="},
		{"other", "", "record"},
	}
	if !slices.EqualFunc(resp.TXT, want, slices.Equal) {
		t.Errorf("TXT %q, want %q", resp.TXT, want)
	}
	txts, auth, err := s.client().LookupTXTAuthenticated(context.Background(), "_ua-auto-config.example.test")
	if err != nil || !auth || !slices.Equal(txts, []string{"v=UAAC1; a=sha256; d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE=", "otherrecord"}) {
		t.Errorf("LookupTXTAuthenticated: %q %v %v", txts, auth, err)
	}
}

func TestTXTBytesAsReceived(t *testing.T) {
	s := newTestServer(t, answer(t, false, `example.test. 60 IN TXT "a\000b\255c\"d"`))
	resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.TXT) != 1 || !slices.Equal(resp.TXT[0], []string{"a\x00b\xffc\"d"}) {
		t.Errorf("TXT %q", resp.TXT)
	}
}

func TestOversizedResponses(t *testing.T) {
	var records []string
	for i := range 40 {
		records = append(records, fmt.Sprintf("example.test. 60 IN TXT \"%02d %s\"", i, strings.Repeat("y", 200)))
	}
	big := answer(t, false, records...) // about 10 KB
	t.Run("udp", func(t *testing.T) {
		s := newTestServer(t, big)
		c := &Client{Server: s.addr, MaxResponseSize: 4096}
		_, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeTXT)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("tcp", func(t *testing.T) {
		s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
			if w.RemoteAddr().Network() == "udp" {
				m := reply(req)
				m.Truncated = true
				_ = w.WriteMsg(m)
				return
			}
			big(w, req)
		})
		c := &Client{Server: s.addr, MaxResponseSize: 4096}
		_, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeTXT)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		// Within the default limit the same answer is fine.
		resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeTXT)
		if err != nil || len(resp.TXT) != 40 {
			t.Fatalf("default limit: %v", err)
		}
	})
	t.Run("too many records", func(t *testing.T) {
		var many []string
		for i := range 300 {
			many = append(many, fmt.Sprintf("example.test. 60 IN MX %d mx%d.example.test.", i, i))
		}
		s := newTestServer(t, answer(t, false, many...))
		resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.MX) != MaxRecords || resp.Omitted != 300-MaxRecords || resp.MX[MaxRecords-1].Host != fmt.Sprintf("mx%d.example.test.", MaxRecords-1) {
			t.Errorf("%d MX, %d omitted", len(resp.MX), resp.Omitted)
		}
	})
}

// silent returns a handler that never answers.
func silent(dns.ResponseWriter, *dns.Msg) {}

func TestContextCanceled(t *testing.T) {
	s := newTestServer(t, silent)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := s.client().Lookup(ctx, "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > DefaultTimeout/2 {
		t.Errorf("lookup returned %v after the cancel", d)
	}
}

func TestContextDeadline(t *testing.T) {
	s := newTestServer(t, silent)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := s.client().Lookup(ctx, "example.test", dnsmessage.TypeMX)
	var de *net.DNSError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &de) || !de.IsTimeout {
		t.Fatalf("err = %v, want a timeout DNSError wrapping context.DeadlineExceeded", err)
	}
}

func TestClientTimeout(t *testing.T) {
	s := newTestServer(t, silent)
	c := &Client{Server: s.addr, Timeout: 100 * time.Millisecond}
	start := time.Now()
	_, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > DefaultTimeout/2 {
		t.Errorf("lookup took %v with a 100ms timeout", d)
	}
}

func TestContextCanceledOverTCP(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		if w.RemoteAddr().Network() == "udp" {
			m := reply(req)
			m.Truncated = true
			_ = w.WriteMsg(m)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := s.client().Lookup(ctx, "example.test", dnsmessage.TypeMX)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestAlreadyCanceled(t *testing.T) {
	s := newTestServer(t, answer(t, false, "example.test. 60 IN MX 10 mx.example.test."))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.client().Lookup(ctx, "example.test", dnsmessage.TypeMX); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(s.received()); n != 0 {
		t.Errorf("server got %d queries", n)
	}
}

func TestRetransmit(t *testing.T) {
	var seen atomic.Bool
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		if !seen.Swap(true) {
			return // the first query is lost
		}
		m := reply(req)
		m.Answer = parseRRs(t, "example.test. 60 IN MX 10 mx.example.test.")
		_ = w.WriteMsg(m)
	})
	resp, err := s.client().Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	if err != nil || len(resp.MX) != 1 {
		t.Fatalf("resp %v err %v", resp, err)
	}
	qs := s.received()
	if len(qs) != 2 || qs[0].msg.Id != qs[1].msg.Id {
		t.Errorf("%d queries, want the same one twice", len(qs))
	}
}

func TestConnectionRefused(t *testing.T) {
	// A UDP port nobody listens on: the ICMP error ends the lookup.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	c := &Client{Server: addr}
	start := time.Now()
	_, err = c.Lookup(context.Background(), "example.test", dnsmessage.TypeMX)
	var de *net.DNSError
	if err == nil || !errors.As(err, &de) || de.IsNotFound {
		t.Fatalf("err = %v, want a DNSError that is not 'not found'", err)
	}
	if d := time.Since(start); d > DefaultTimeout/2 {
		t.Errorf("took %v", d)
	}
}

func TestLookupIPAddr(t *testing.T) {
	s := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		switch req.Question[0].Qtype {
		case dns.TypeA:
			m.Answer = parseRRs(t, "host.example.test. 60 IN A 192.0.2.7")
		case dns.TypeAAAA:
			m.Answer = parseRRs(t, "host.example.test. 60 IN AAAA 2001:db8::7")
		}
		_ = w.WriteMsg(m)
	})
	addrs, err := s.client().LookupIPAddr(context.Background(), "host.example.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(addrs) != 2 || addrs[0].String() != "192.0.2.7" || addrs[1].String() != "2001:db8::7" {
		t.Errorf("addrs %v", addrs)
	}

	// AAAA fails, A answers: the addresses count.
	s2 := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		if req.Question[0].Qtype == dns.TypeA {
			m.Answer = parseRRs(t, "host.example.test. 60 IN A 192.0.2.8")
		} else {
			m.Rcode = dns.RcodeServerFailure
		}
		_ = w.WriteMsg(m)
	})
	addrs, err = s2.client().LookupIPAddr(context.Background(), "host.example.test")
	if err != nil || len(addrs) != 1 || addrs[0].String() != "192.0.2.8" {
		t.Errorf("addrs %v err %v", addrs, err)
	}

	// A is NODATA, AAAA fails: the failure is reported, not "not found".
	s3 := newTestServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		if req.Question[0].Qtype == dns.TypeAAAA {
			m.Rcode = dns.RcodeServerFailure
		}
		_ = w.WriteMsg(m)
	})
	if _, err := s3.client().LookupIPAddr(context.Background(), "host.example.test"); !errors.Is(err, ErrServFail) {
		t.Errorf("err = %v, want ErrServFail", err)
	}
}

func TestInvalidQuestions(t *testing.T) {
	s := newTestServer(t, answer(t, false))
	c := s.client()
	for _, name := range []string{"", ".", "a..b", "a b.example", "a\x00b.example", strings.Repeat("a", 64) + ".example", strings.Repeat("a.", 127) + "ab", "ex\u00e4mple.test"} {
		if _, err := c.Lookup(context.Background(), name, dnsmessage.TypeMX); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Lookup(%q): err = %v, want ErrInvalidName", name, err)
		}
	}
	if _, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeNS); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("NS: err = %v, want ErrUnsupportedType", err)
	}
	for _, srv := range []string{"dns.example:53", "127.0.0.1:0", "127.0.0.1:x", "[::1"} {
		c := &Client{Server: srv}
		if _, err := c.Lookup(context.Background(), "example.test", dnsmessage.TypeMX); !errors.Is(err, ErrBadServer) {
			t.Errorf("Server %q: err = %v, want ErrBadServer", srv, err)
		}
	}
	if n := len(s.received()); n != 0 {
		t.Errorf("server got %d queries for invalid questions", n)
	}
}

func srvString(srvs []*net.SRV) string {
	var b strings.Builder
	for _, s := range srvs {
		fmt.Fprintf(&b, "[%d %d %d %s]", s.Priority, s.Weight, s.Port, s.Target)
	}
	return b.String()
}
