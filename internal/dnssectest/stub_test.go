package dnssectest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnsstub"
	"golang.org/x/net/dns/dnsmessage"
)

// bigRecords are TXT records whose answer, with its signature, is larger
// than the 1232 octets the stub offers over UDP.
func bigRecords() []string {
	var recs []string
	for i := range 20 {
		recs = append(recs, fmt.Sprintf(`big.example.test. 300 IN TXT "%02d %s"`, i, strings.Repeat("z", 100)))
	}
	return recs
}

// TestStubAgainstUnbound: the stub, asking a real validating resolver on
// loopback, reports signed answers as authenticated, unsigned ones as not,
// and bogus ones as SERVFAIL.
func TestStubAgainstUnbound(t *testing.T) {
	r := Start(t, bigRecords()...)
	c := &dnsstub.Client{Server: r.Addr}
	ctx := context.Background()

	t.Run("signed", func(t *testing.T) {
		cname, srvs, auth, err := c.LookupSRVAuthenticated(ctx, "imaps", "tcp", Secure)
		if err != nil || !auth {
			t.Fatalf("SRV: authenticated %v, err %v; want authenticated", auth, err)
		}
		if cname != "_imaps._tcp."+Secure || len(srvs) != 1 || srvs[0].Target != "imap."+Secure || srvs[0].Port != IMAPSPort {
			t.Errorf("SRV: %q %v", cname, srvs)
		}
		mxs, auth, err := c.LookupMXAuthenticated(ctx, Secure)
		if err != nil || !auth || len(mxs) != 1 || mxs[0].Host != "mx."+Secure || mxs[0].Pref != 10 {
			t.Errorf("MX: %v %v %v", mxs, auth, err)
		}
		// The PACC TXT record's two character-strings, kept apart.
		resp, err := c.Lookup(ctx, "_ua-auto-config."+Secure, dnsmessage.TypeTXT)
		if err != nil || !resp.Authenticated {
			t.Fatalf("TXT: %+v %v", resp, err)
		}
		if want := [][]string{{"v=UAAC1; a=sha256; ", "d=" + PACCDigest}}; !slices.EqualFunc(resp.TXT, want, slices.Equal) {
			t.Errorf("TXT %q, want %q", resp.TXT, want)
		}
		txts, auth, err := c.LookupTXTAuthenticated(ctx, "_ua-auto-config."+Secure)
		if err != nil || !auth || !slices.Equal(txts, []string{"v=UAAC1; a=sha256; d=" + PACCDigest}) {
			t.Errorf("LookupTXTAuthenticated: %q %v %v", txts, auth, err)
		}
		// An alias: unbound puts the CNAME and the target's records in
		// the answer section; the stub follows the chain there.
		resp, err = c.Lookup(ctx, "mail."+Secure, dnsmessage.TypeA)
		if err != nil || !resp.Authenticated || resp.CNAME != "imap."+Secure || !slices.Equal(resp.Addrs, []netip.Addr{netip.MustParseAddr("127.0.0.1")}) {
			t.Errorf("A via CNAME: %+v %v", resp, err)
		}
		addrs, err := c.LookupIPAddr(ctx, "imap."+Secure)
		if err != nil || len(addrs) != 2 || addrs[0].String() != "127.0.0.1" || addrs[1].String() != "::1" {
			t.Errorf("LookupIPAddr: %v %v", addrs, err)
		}
	})

	t.Run("unsigned", func(t *testing.T) {
		cname, srvs, auth, err := c.LookupSRVAuthenticated(ctx, "imaps", "tcp", Insecure)
		if err != nil || auth {
			t.Fatalf("SRV: authenticated %v, err %v; want an unauthenticated answer", auth, err)
		}
		if cname != "_imaps._tcp."+Insecure || len(srvs) != 1 || srvs[0].Target != "imap."+Insecure {
			t.Errorf("SRV: %q %v", cname, srvs)
		}
		resp, err := c.Lookup(ctx, "_ua-auto-config."+Insecure, dnsmessage.TypeTXT)
		if err != nil || resp.AD || resp.Authenticated || len(resp.TXT) != 1 {
			t.Errorf("TXT: %+v %v", resp, err)
		}
		mxs, auth, err := c.LookupMXAuthenticated(ctx, Insecure)
		if err != nil || auth || len(mxs) != 1 {
			t.Errorf("MX: %v %v %v", mxs, auth, err)
		}
	})

	for _, domain := range []string{Bogus, Tampered} {
		t.Run("bogus "+domain, func(t *testing.T) {
			_, srvs, auth, err := c.LookupSRVAuthenticated(ctx, "imaps", "tcp", domain)
			if !errors.Is(err, dnsstub.ErrServFail) || auth || len(srvs) != 0 {
				t.Errorf("SRV: %v %v %v; want SERVFAIL", srvs, auth, err)
			}
			var de *net.DNSError
			if !errors.As(err, &de) || de.IsNotFound || !de.IsTemporary {
				t.Errorf("SRV: DNSError %+v", de)
			}
			if mxs, auth, err := c.LookupMXAuthenticated(ctx, domain); !errors.Is(err, dnsstub.ErrServFail) || auth || len(mxs) != 0 {
				t.Errorf("MX: %v %v %v; want SERVFAIL", mxs, auth, err)
			}
			if txts, auth, err := c.LookupTXTAuthenticated(ctx, "_ua-auto-config."+domain); !errors.Is(err, dnsstub.ErrServFail) || auth || len(txts) != 0 {
				t.Errorf("TXT: %q %v %v; want SERVFAIL", txts, auth, err)
			}
		})
	}

	t.Run("denials", func(t *testing.T) {
		_, _, auth, err := c.LookupSRVAuthenticated(ctx, "pop3s", "tcp", Secure)
		if !errors.Is(err, dnsstub.ErrNXDomain) || !auth {
			t.Errorf("signed NXDOMAIN: authenticated %v, err %v", auth, err)
		}
		_, auth, err = c.LookupTXTAuthenticated(ctx, Secure)
		if !errors.Is(err, dnsstub.ErrNoData) || !auth {
			t.Errorf("signed NODATA: authenticated %v, err %v", auth, err)
		}
		_, _, auth, err = c.LookupSRVAuthenticated(ctx, "pop3s", "tcp", Insecure)
		if !errors.Is(err, dnsstub.ErrNXDomain) || auth {
			t.Errorf("unsigned NXDOMAIN: authenticated %v, err %v", auth, err)
		}
	})

	t.Run("truncated to TCP", func(t *testing.T) {
		resp, err := c.Lookup(ctx, "big."+Secure, dnsmessage.TypeTXT)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.TCP || !resp.Authenticated || len(resp.TXT) != 20 {
			t.Errorf("big TXT: TCP %v, authenticated %v, %d records", resp.TCP, resp.Authenticated, len(resp.TXT))
		}
	})
}

// TestStubTrustPolicyAgainstUnbound: the same validated answer, from a
// resolver the client sees at a non-loopback address (192.0.2.53,
// TEST-NET-1, reached through Dial), is authenticated only when the policy
// names that server or trusts AD.
func TestStubTrustPolicyAgainstUnbound(t *testing.T) {
	r := Start(t)
	_, port, _ := net.SplitHostPort(r.Addr)
	remote := netip.MustParseAddr("192.0.2.53")
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		if address != net.JoinHostPort(remote.String(), port) {
			return nil, fmt.Errorf("dialed %s", address)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, r.Addr)
	}
	for _, tc := range []struct {
		name   string
		policy dnsstub.Policy
		want   bool
	}{
		{"not trusted", dnsstub.Policy{}, false},
		{"trusted server", dnsstub.Policy{Trusted: []netip.Addr{remote}}, true},
		{"trust-ad", dnsstub.Policy{TrustAD: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &dnsstub.Client{Server: net.JoinHostPort(remote.String(), port), Policy: tc.policy, Dial: dial}
			resp, err := c.Lookup(context.Background(), "_imaps._tcp."+Secure, dnsmessage.TypeSRV)
			if err != nil {
				t.Fatal(err)
			}
			if !resp.AD || resp.Authenticated != tc.want || len(resp.SRV) != 1 {
				t.Errorf("AD %v, authenticated %v, %d SRV; want AD, authenticated %v, 1", resp.AD, resp.Authenticated, len(resp.SRV), tc.want)
			}
		})
	}
}

func BenchmarkStubLookupSRVUnbound(b *testing.B) {
	r := Start(b)
	c := &dnsstub.Client{Server: r.Addr}
	ctx := context.Background()
	for b.Loop() {
		if _, _, auth, err := c.LookupSRVAuthenticated(ctx, "imaps", "tcp", Secure); err != nil || !auth {
			b.Fatal(auth, err)
		}
	}
}
