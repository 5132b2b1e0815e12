package netdial_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/netdial"
)

func TestClassify(t *testing.T) {
	sys := func(n syscall.Errno) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", n)}
	}
	for _, c := range []struct {
		name string
		err  error
		want netdial.Class
	}{
		{"nil", nil, netdial.ClassNone},
		{"refused", errRefused, netdial.ClassRefused},
		{"refused-wrapped", fmt.Errorf("probe: %w", errRefused), netdial.ClassRefused},
		{"reset", sys(syscall.ECONNRESET), netdial.ClassReset},
		{"aborted", sys(syscall.ECONNABORTED), netdial.ClassReset},
		{"pipe", sys(syscall.EPIPE), netdial.ClassReset},
		{"eof", io.EOF, netdial.ClassReset},
		{"unexpected-eof", fmt.Errorf("tls: %w", io.ErrUnexpectedEOF), netdial.ClassReset},
		{"net-unreachable", errUnreachable, netdial.ClassUnreachable},
		{"host-unreachable", errnoErr(syscall.EHOSTUNREACH), netdial.ClassUnreachable},
		{"etimedout", errnoErr(syscall.ETIMEDOUT), netdial.ClassTimeout},
		{"deadline", context.DeadlineExceeded, netdial.ClassTimeout},
		{"io-timeout", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, netdial.ClassTimeout},
		{"timeout-method", timeoutErr{}, netdial.ClassTimeout},
		{"canceled", &net.OpError{Op: "dial", Err: context.Canceled}, netdial.ClassCanceled},
		{"dns-not-found", &net.DNSError{Err: "no such host", IsNotFound: true}, netdial.ClassDNSNotFound},
		{"dns-failure", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, netdial.ClassDNSFailure},
		// A DNS timeout is a DNS failure, not a connect timeout.
		{"dns-timeout", &net.DNSError{Err: "i/o timeout", IsTimeout: true}, netdial.ClassDNSFailure},
		{"resolve-not-found", &netdial.ResolveError{NotFound: true, Err: errors.New("x")}, netdial.ClassDNSNotFound},
		{"resolve-deadline", &netdial.ResolveError{Err: context.DeadlineExceeded}, netdial.ClassDNSFailure},
		{"dial-error", &netdial.DialError{Err: errRefused}, netdial.ClassRefused},
		{"other", errors.New("something else"), netdial.ClassOther},
		{"other-errno", errnoErr(syscall.EACCES), netdial.ClassOther},
		// Text is never looked at.
		{"text-only", errors.New("connection refused"), netdial.ClassOther},
	} {
		if got := netdial.Classify(c.err); got != c.want {
			t.Errorf("%s: Classify(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "timed out" }
func (timeoutErr) Timeout() bool { return true }

func TestClassString(t *testing.T) {
	if s := netdial.ClassRefused.String(); s != "refused" {
		t.Errorf("ClassRefused = %q", s)
	}
	if s := netdial.Class(42).String(); s != "Class(42)" {
		t.Errorf("Class(42) = %q", s)
	}
}

// TestClassifyReal classifies the errors of real loopback connections.
func TestClassifyReal(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, err = net.Dial("tcp", addr)
		if got := netdial.Classify(err); got != netdial.ClassRefused {
			t.Errorf("Classify(%v) = %v", err, got)
		}
	})
	t.Run("reset", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0) // close with a reset
			c.Close()
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		<-done
		if err == nil {
			// The reset comes to the read (or, on some systems, already to
			// the connect).
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			_, err = c.Read(make([]byte, 1))
		}
		if got := netdial.Classify(err); got != netdial.ClassReset {
			t.Errorf("Classify(%v) = %v", err, got)
		}
	})
	t.Run("read-timeout", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		if got := netdial.Classify(err); got != netdial.ClassTimeout {
			t.Errorf("Classify(%v) = %v", err, got)
		}
	})
}
