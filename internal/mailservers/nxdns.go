package mailservers

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Some server tools ask the system resolver (/etc/resolv.conf) a question
// before they do their work, and give up when it cannot be reached. Tests
// must not send DNS questions off the machine, so such a tool runs in a
// mount namespace of its own whose /etc/resolv.conf names an nxDNS: a
// resolver on a loopback address that says every name does not exist.

// An nxDNS answers every DNS question over UDP on ip:53 with NXDOMAIN.
type nxDNS struct {
	ip    string
	pc    net.PacketConn
	done  chan struct{}
	asked atomic.Int64 // questions answered
}

// startNXDNS starts an nxDNS on a random address in 127.0.0.0/8 (port 53
// is fixed by resolv.conf, so the address must differ from those of other
// tests running at the same time). It needs root.
func startNXDNS() (*nxDNS, error) {
	var last error
	for range 10 {
		var b [3]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		if b[0] == 0 { // keep clear of 127.0.x.x
			b[0] = 1
		}
		ip := fmt.Sprintf("127.%d.%d.%d", b[0], b[1], b[2]|1)
		pc, err := net.ListenPacket("udp4", net.JoinHostPort(ip, "53"))
		if err != nil {
			last = err
			continue
		}
		s := &nxDNS{ip: ip, pc: pc, done: make(chan struct{})}
		go s.serve()
		return s, nil
	}
	return nil, fmt.Errorf("mailservers: no loopback address for a DNS server: %w", last)
}

func (s *nxDNS) serve() {
	defer close(s.done)
	buf := make([]byte, 4096)
	for {
		n, addr, err := s.pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if resp, ok := nxAnswer(buf[:n]); ok {
			s.asked.Add(1)
			s.pc.WriteTo(resp, addr)
		}
	}
}

// nxAnswer returns an NXDOMAIN answer to the query in req.
func nxAnswer(req []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil || h.Response {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: dnsmessage.RCodeNameError,
	})
	if b.StartQuestions() != nil || b.Question(q) != nil {
		return nil, false
	}
	resp, err := b.Finish()
	return resp, err == nil
}

// stop closes the server and waits for its goroutine.
func (s *nxDNS) stop() {
	s.pc.Close()
	<-s.done
}

// A dnsJail is an nxDNS and a resolv.conf that names it. The commands
// that wrap returns run in a mount namespace of their own (see
// testproc.Options.NewMountNS and runWithoutDNS) where that file is
// /etc/resolv.conf, so that every DNS question they ask the system
// resolver stays on loopback and gets NXDOMAIN.
type dnsJail struct {
	dns        *nxDNS
	resolvConf string
}

// newDNSJail starts an nxDNS and writes its resolv.conf into dir. It needs
// root. Stop it with stop once the commands have ended.
func newDNSJail(t testing.TB, dir string) *dnsJail {
	t.Helper()
	dns, err := startNXDNS()
	if err != nil {
		t.Fatal(err)
	}
	j := &dnsJail{dns: dns, resolvConf: filepath.Join(dir, "resolv.conf")}
	writeFile(t, j.resolvConf, []byte("# Written by internal/mailservers: every name is NXDOMAIN.\nnameserver "+dns.ip+"\noptions timeout:2 attempts:2\n"), 0o644)
	return j
}

// wrap returns argv run by sh, which binds the resolv.conf over
// /etc/resolv.conf (in the new mount namespace, which Go makes private, so
// the host's file is untouched) and then becomes argv.
func (j *dnsJail) wrap(argv ...string) []string {
	return append([]string{"/bin/sh", "-c", `mount --bind "$0" /etc/resolv.conf && exec "$@"`, j.resolvConf}, argv...)
}

// asked returns how many questions the nxDNS answered so far.
func (j *dnsJail) asked() int64 { return j.dns.asked.Load() }

func (j *dnsJail) stop() { j.dns.stop() }

// runWithoutDNS runs argv to completion in a dnsJail and returns its
// standard output. dir is the working directory and gets the
// resolv.conf. It needs root.
func runWithoutDNS(t testing.TB, dir string, argv ...string) string {
	t.Helper()
	j := newDNSJail(t, dir)
	defer j.stop()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	wrapped := j.wrap(argv...)
	cmd := exec.CommandContext(ctx, wrapped[0], wrapped[1:]...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mailservers: %s (without DNS): %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	t.Logf("mailservers: %s asked the loopback resolver %d DNS questions", filepath.Base(argv[0]), j.asked())
	return string(out)
}
