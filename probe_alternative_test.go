package mailsettings_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// TestCertMismatchAlternative: after a name mismatch the probe looks at the
// names the certificate covers, and reports a host of the same operator
// that verifies as an alternative; the mismatched certificate is never
// accepted, and names of other operators, wildcards to other domains and
// certificates that do not chain to a trusted root lead nowhere. The
// server answers every name with its one certificate; the resolver sends
// every name to it, so that only the rules decide.
func TestCertMismatchAlternative(t *testing.T) {
	must := func(c *mailsettingstest.Cert, err error) *mailsettingstest.Cert {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	otherCA, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		proto   mailsettings.Protocol
		host    string // the endpoint's host
		cert    *mailsettingstest.Cert
		roots   *mailsettingstest.CA
		related []string // Prober.AlternativeDomains
		want    string   // the alternative's host, or ""
		conns   int      // connections to the server: the probe's and the alternatives'
	}{
		{"same-domain", imap, "mail.example.test", must(testCA.Issue("imap.example.test")), testCA, nil, "imap.example.test", 2},
		{"same-domain-second-name", imap, "mail.example.test", must(testCA.Issue("www.other.test", "imap.example.test")), testCA, nil, "imap.example.test", 2},
		{"other-domain", imap, "mail.example.test", must(testCA.Issue("imap.other.test")), testCA, nil, "", 1},
		{"other-domain-related", imap, "mail.example.test", must(testCA.Issue("imap.hoster.test")), testCA, []string{"hoster.test"}, "imap.hoster.test", 2},
		{"wildcard-other-domain", imap, "mail.example.test", must(testCA.Issue("*.other.test")), testCA, nil, "", 1},
		{"wildcard-own-domain", imap, "mail.sub.example.test", must(testCA.Issue("*.example.test")), testCA, nil, "", 1},
		{"untrusted-chain", imap, "mail.example.test", must(otherCA.Issue("imap.example.test")), testCA, nil, "", 1},
		{"self-signed", imap, "mail.example.test", must(mailsettingstest.SelfSigned("imap.example.test")), testCA, nil, "", 1},
		// smtp-mail.outlook.com is Outlook.com's; outlook.office365.com,
		// in another registrable domain, is a host of the same provider.
		{"provider-host", smtp, "smtp-mail.outlook.com", must(testCA.Issue("outlook.office365.com")), testCA, nil, "outlook.office365.com", 2},
		// A wildcard is followed to the provider's own hosts it covers.
		{"provider-wildcard", smtp, "smtp-mail.outlook.com", must(testCA.Issue("*.office365.com")), testCA, nil, "outlook.office365.com", 2},
		// Another provider's host is not an alternative.
		{"other-provider", smtp, "smtp-mail.outlook.com", must(testCA.Issue("smtp.gmail.com")), testCA, nil, "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, c.proto, itls, mailsettingstest.WithCert(c.cert), mailsettingstest.WithUsers(users))
			names := append([]string{c.host}, c.cert.Leaf.DNSNames...)
			for i, n := range names {
				names[i] = strings.Replace(n, "*.", "imap.", 1)
			}
			names = append(names, "outlook.office365.com", "smtp.office365.com", "smtp.gmail.com")
			p := &mailsettings.Prober{Resolver: mailsettingstest.LoopbackResolver(names...), TLSConfig: &tls.Config{RootCAs: c.roots.Pool()}, AlternativeDomains: c.related}
			e := srv.Endpoint()
			e.Host = c.host
			ctx, cancel := context.WithTimeout(context.Background(), longWait)
			defer cancel()
			res, err := p.CheckLogin(ctx, e, mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
			// Go checks the name before the chain, so an untrusted
			// certificate for another name is a mismatch too.
			pe := wantKind(t, err, mailsettings.KindCertNameMismatch)
			if res.Verified || res.Login != nil {
				t.Errorf("Verified %v, Login %+v: the mismatched certificate was accepted", res.Verified, res.Login)
			}
			got := ""
			if res.Alternative != nil {
				got = res.Alternative.Host
				w := e
				w.Host = c.want
				if *res.Alternative != w {
					t.Errorf("Alternative = %+v, want %+v", *res.Alternative, w)
				}
			}
			if got != c.want {
				t.Fatalf("Alternative host = %q, want %q", got, c.want)
			}
			if pe.Alternative != res.Alternative {
				t.Errorf("ProbeError.Alternative = %v, ProbeResult.Alternative = %v", pe.Alternative, res.Alternative)
			}
			x, f := pe.Explanation(), pe.Fix()
			if c.want != "" {
				if !strings.Contains(f.String(), "Use "+c.want+" as the server name") || !strings.Contains(zhHans(f), "请改用"+c.want) || !strings.Contains(x.String(), c.want+", which the certificate covers") {
					t.Errorf("Explanation %q, Fix %q", x.String(), f.String())
				}
			}
			srv.Close()
			checkSecretAbsent(t, srv.Transcript(), "right-password")
			// One connection for the probe, and one per alternative tried:
			// none for names of other operators.
			if n := srv.Connections(); n != c.conns {
				t.Errorf("%d connections, want %d", n, c.conns)
			}
		})
	}
}
