// Package dnstest runs a real DNS server on loopback for tests, serving a
// fixed zone and recording every question it is asked. (Test certificates
// come from internal/testca.)
//
// It is for tests only; the mailsettings library does not import it.
package dnstest

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// A Server is an authoritative DNS server on 127.0.0.1 (UDP and TCP on the
// same port). Names it has no record for get NXDOMAIN; names that have
// records of other types get an empty answer.
type Server struct {
	// Addr is the UDP and TCP address, "127.0.0.1:PORT".
	Addr string

	mu        sync.Mutex
	records   map[string][]dns.RR // by lower-case FQDN
	rcodes    map[string]int      // forced response codes
	delay     time.Duration
	questions []string
}

// NewServer starts a server with the given records in zone-file syntax,
// such as "example.test. MX 10 mx.example.test.", and stops it when the
// test ends.
func NewServer(tb testing.TB, records ...string) *Server {
	tb.Helper()
	s := &Server{records: map[string][]dns.RR{}, rcodes: map[string]int{}}
	for _, r := range records {
		s.Add(tb, r)
	}
	s.Addr = Serve(tb, s)
	return s
}

// Serve serves h on one port of 127.0.0.1 over both UDP and TCP until the
// test ends, and returns the address, "127.0.0.1:PORT". Shutting down
// waits for both servers' goroutines.
func Serve(tb testing.TB, h dns.Handler) string {
	tb.Helper()
	var pc net.PacketConn
	var ln net.Listener
	for range 10 {
		var err error
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		tb.Fatal("dnstest: no free port for UDP and TCP")
	}
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = srv.ActivateAndServe()
		}()
		<-started
		tb.Cleanup(func() {
			_ = srv.Shutdown()
			<-done
		})
	}
	return pc.LocalAddr().String()
}

// Add adds one record in zone-file syntax.
func (s *Server) Add(tb testing.TB, record string) {
	tb.Helper()
	rr, err := dns.NewRR(record)
	if err != nil || rr == nil {
		tb.Fatalf("dnstest: bad record %q: %v", record, err)
	}
	name := strings.ToLower(rr.Header().Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[name] = append(s.records[name], rr)
}

// SetRcode makes every question for name get the response code rcode,
// such as dns.RcodeServerFailure.
func (s *Server) SetRcode(name string, rcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcodes[strings.ToLower(dns.Fqdn(name))] = rcode
}

// SetDelay makes every answer wait d.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Resolver returns a resolver that sends every question to s.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, s.Addr)
	}}
}

// Questions returns the questions asked so far, each as "name. TYPE",
// sorted and without repeats.
func (s *Server) Questions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := slices.Clone(s.questions)
	slices.Sort(q)
	return slices.Compact(q)
}

// Names returns the names asked about so far, without the final dot,
// sorted and without repeats.
func (s *Server) Names() []string {
	var names []string
	for _, q := range s.Questions() {
		name, _, _ := strings.Cut(q, " ")
		names = append(names, strings.TrimSuffix(name, "."))
	}
	return slices.Compact(names)
}

// Reset forgets the questions asked so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.questions = nil
}

// ServeDNS answers one query.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.Lock()
	s.questions = append(s.questions, name+" "+dns.TypeToString[q.Qtype])
	delay := s.delay
	rcode, forced := s.rcodes[name]
	rrs := s.records[name]
	s.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	switch {
	case forced:
		m.Rcode = rcode
	case len(rrs) == 0:
		m.Rcode = dns.RcodeNameError
	default:
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, dns.Copy(rr))
			}
		}
	}
	_ = w.WriteMsg(m)
}
