package netdial_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailsettings/mailsettings/internal/netdial"
)

// nameResolver records the names asked and answers from a map; an unknown
// name is not found, and err, if set, is every answer.
type nameResolver struct {
	hosts map[string][]string
	err   error

	mu    sync.Mutex
	asked []string
}

func (r *nameResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	r.asked = append(r.asked, host)
	r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	a, ok := r.hosts[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, s := range a {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

// namedResolver names itself.
type namedResolver struct{ *nameResolver }

func (namedResolver) String() string { return "the test resolver\x00\n" }

func TestResolve(t *testing.T) {
	loop := []string{"127.0.0.1", "::1"}
	r := &nameResolver{hosts: map[string][]string{
		"imap.example.test.": {"192.0.2.1", "2001:db8::1", "192.0.2.1"},
		"mailhost":           {"192.0.2.7"},
		"mailhost.":          {"192.0.2.8"},
	}}
	for _, c := range []struct {
		host  string
		want  []string
		asked string // "" if nothing may be asked
	}{
		{"127.0.0.1", []string{"127.0.0.1"}, ""},
		{"2001:db8::5", []string{"2001:db8::5"}, ""},
		{"fe80::1%eth0", []string{"fe80::1%eth0"}, ""},
		// RFC 6761, section 6.3.
		{"localhost", loop, ""},
		{"LocalHost", loop, ""},
		{"localhost.", loop, ""},
		{"imap.localhost", loop, ""},
		{"a.b.LOCALHOST.", loop, ""},
		// Single-label: as it is, for the hosts file.
		{"mailhost", []string{"192.0.2.7"}, "mailhost"},
		// Single-label with a final dot: asked as given.
		{"mailhost.", []string{"192.0.2.8"}, "mailhost."},
		// Other names: fully qualified; duplicates dropped.
		{"imap.example.test", []string{"192.0.2.1", "2001:db8::1"}, "imap.example.test."},
		{"imap.example.test.", []string{"192.0.2.1", "2001:db8::1"}, "imap.example.test."},
	} {
		t.Run(c.host, func(t *testing.T) {
			r.asked = nil
			addrs, err := netdial.Resolve(context.Background(), r, c.host)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range addrs {
				got = append(got, a.String())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("addresses %q, want %q", got, c.want)
			}
			var wantAsked []string
			if c.asked != "" {
				wantAsked = []string{c.asked}
			}
			if !slices.Equal(r.asked, wantAsked) {
				t.Errorf("asked %q, want %q", r.asked, wantAsked)
			}
		})
	}
	t.Run("not-localhost", func(t *testing.T) {
		for _, h := range []string{"notlocalhost", "localhost.example.test", "xlocalhost.test"} {
			r.asked = nil
			netdial.Resolve(context.Background(), r, h)
			if len(r.asked) != 1 {
				t.Errorf("%s: asked %q, want one question", h, r.asked)
			}
		}
	})
	t.Run("system-resolver-localhost", func(t *testing.T) {
		// Nothing is asked, so this needs no network.
		addrs, err := netdial.Resolve(context.Background(), nil, "localhost")
		if err != nil || len(addrs) != 2 || !addrs[0].IP.IsLoopback() || !addrs[1].IP.IsLoopback() {
			t.Errorf("Resolve(localhost) = %v, %v", addrs, err)
		}
	})
}

func TestResolveErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("not-found", func(t *testing.T) {
		_, err := netdial.Resolve(ctx, &nameResolver{}, "nx.example.test")
		checkResolveError(t, err, netdial.ErrNotFound, netdial.ClassDNSNotFound)
		if de, ok := errors.AsType[*net.DNSError](err); !ok || !de.IsNotFound {
			t.Errorf("errors.As(*net.DNSError) = %v, %v", de, ok)
		}
		if !strings.Contains(err.Error(), `asked "nx.example.test."`) {
			t.Errorf("Error() = %q does not say what was asked", err)
		}
	})
	t.Run("no-addresses", func(t *testing.T) {
		r := &nameResolver{hosts: map[string][]string{"empty.example.test.": {}}}
		_, err := netdial.Resolve(ctx, r, "empty.example.test")
		checkResolveError(t, err, netdial.ErrNotFound, netdial.ClassDNSNotFound)
		if _, ok := errors.AsType[*net.DNSError](err); !ok {
			t.Errorf("no *net.DNSError in %v", err)
		}
	})
	t.Run("server-failure", func(t *testing.T) {
		r := &nameResolver{err: &net.DNSError{Err: "server misbehaving", Name: "imap.example.test.", Server: "192.0.2.53:53", IsTemporary: true}}
		_, err := netdial.Resolve(ctx, r, "imap.example.test")
		checkResolveError(t, err, netdial.ErrLookup, netdial.ClassDNSFailure)
		want := `resolve "imap.example.test": asked "imap.example.test." of 192.0.2.53:53: server misbehaving`
		if err.Error() != want {
			t.Errorf("Error() = %q, want %q", err, want)
		}
	})
	t.Run("named-resolver", func(t *testing.T) {
		r := namedResolver{&nameResolver{}}
		_, err := netdial.Resolve(ctx, r, "nx.example.test")
		want := `resolve "nx.example.test": asked "nx.example.test." of the test resolver: no such host`
		if err == nil || err.Error() != want {
			t.Errorf("Error() = %q, want %q", err, want)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := netdial.Resolve(cctx, &nameResolver{}, "imap.example.test")
		checkResolveError(t, err, netdial.ErrLookup, netdial.ClassCanceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(%v, context.Canceled) = false", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		for _, h := range []string{"", "."} {
			r := &nameResolver{}
			_, err := netdial.Resolve(ctx, r, h)
			checkResolveError(t, err, netdial.ErrNotFound, netdial.ClassDNSNotFound)
			if len(r.asked) != 0 {
				t.Errorf("%q: asked %q", h, r.asked)
			}
		}
	})
}

func checkResolveError(t *testing.T, err, is error, class netdial.Class) {
	t.Helper()
	re, ok := errors.AsType[*netdial.ResolveError](err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *ResolveError", err, err)
	}
	if !errors.Is(err, is) {
		t.Errorf("errors.Is(%v, %v) = false", err, is)
	}
	other := netdial.ErrLookup
	if is == netdial.ErrLookup {
		other = netdial.ErrNotFound
	}
	if errors.Is(err, other) {
		t.Errorf("errors.Is(%v, %v) = true", err, other)
	}
	if got := netdial.Classify(err); got != class {
		t.Errorf("Classify(%v) = %v, want %v", err, got, class)
	}
	if re.Host == "" && re.Asked != "" {
		t.Errorf("ResolveError %+v", re)
	}
}
