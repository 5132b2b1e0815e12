package dnsstub

import (
	"sync"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/miekg/dns"
)

// A testServer is a DNS server on 127.0.0.1 (UDP and TCP on one port) whose
// answers each test writes in handle. It records the queries it receives.
type testServer struct {
	addr string

	mu      sync.Mutex
	handle  func(w dns.ResponseWriter, req *dns.Msg)
	queries []query
}

// A query is one message the server received.
type query struct {
	network string // "udp" or "tcp"
	msg     *dns.Msg
}

func newTestServer(t *testing.T, handle func(w dns.ResponseWriter, req *dns.Msg)) *testServer {
	t.Helper()
	s := &testServer{handle: handle}
	s.addr = dnstest.Serve(t, s)
	return s
}

func (s *testServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	s.mu.Lock()
	s.queries = append(s.queries, query{network: w.RemoteAddr().Network(), msg: req.Copy()})
	h := s.handle
	s.mu.Unlock()
	h(w, req)
}

func (s *testServer) received() []query {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]query(nil), s.queries...)
}

// client returns a client that asks s.
func (s *testServer) client() *Client {
	return &Client{Server: s.addr}
}

// reply returns the start of a response to req: same ID and question,
// recursion available, an OPT record when req had one.
func reply(req *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(1232, opt.Do())
	}
	return m
}

// answer returns a handler that answers every question with the records
// (zone-file syntax), setting AD when ad is set and the query asked for
// DNSSEC (DO or AD).
func answer(t *testing.T, ad bool, records ...string) func(dns.ResponseWriter, *dns.Msg) {
	t.Helper()
	rrs := parseRRs(t, records...)
	return func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		m.Answer = rrs
		m.AuthenticatedData = ad && (req.AuthenticatedData || req.IsEdns0() != nil && req.IsEdns0().Do())
		_ = w.WriteMsg(m)
	}
}

// rcode returns a handler that answers every question with rcode and no
// records.
func rcode(code int) func(dns.ResponseWriter, *dns.Msg) {
	return func(w dns.ResponseWriter, req *dns.Msg) {
		m := reply(req)
		m.Rcode = code
		_ = w.WriteMsg(m)
	}
}

func parseRRs(t *testing.T, records ...string) []dns.RR {
	t.Helper()
	var rrs []dns.RR
	for _, r := range records {
		rr, err := dns.NewRR(r)
		if err != nil || rr == nil {
			t.Fatalf("bad record %q: %v", r, err)
		}
		rrs = append(rrs, rr)
	}
	return rrs
}
