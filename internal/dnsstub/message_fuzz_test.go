package dnsstub

import (
	"testing"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"
)

// FuzzParseResponse: no response, however malformed, makes the parser
// panic or return a host name that is not valid, or more records than the
// limit.
func FuzzParseResponse(f *testing.F) {
	q := question{name: "_imaps._tcp.example.test.", qtype: dnsmessage.TypeSRV}
	const id = 0x1234
	seed := func(rcode int, records ...string) {
		m := new(dns.Msg)
		m.SetQuestion(q.name, dns.TypeSRV)
		m.Id = id
		m.Response = true
		m.Rcode = rcode
		for _, r := range records {
			rr, err := dns.NewRR(r)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		m.SetEdns0(1232, true)
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed(dns.RcodeSuccess, "_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap.example.test.")
	seed(dns.RcodeSuccess,
		"_imaps._tcp.example.test. 60 IN CNAME a.example.test.",
		"a.example.test. 60 IN SRV 0 1 993 imap.example.test.",
		`a.example.test. 60 IN SRV 0 1 993 bad\032.example.test.`)
	seed(dns.RcodeNameError)
	f.Fuzz(func(t *testing.T, msg []byte) {
		resp, err := parseResponse(msg, id, q)
		if resp == nil {
			if err == nil {
				t.Fatal("no response and no error")
			}
			return
		}
		if len(resp.SRV) > MaxRecords {
			t.Fatalf("%d records", len(resp.SRV))
		}
		for _, s := range resp.SRV {
			if s.Target == "." {
				continue
			}
			if h, ok := hostName(s.Target); !ok || h != s.Target {
				t.Fatalf("target %q returned", s.Target)
			}
		}
		if _, ok := queryName(resp.CNAME); !ok {
			t.Fatalf("CNAME %q returned", resp.CNAME)
		}
	})
}
