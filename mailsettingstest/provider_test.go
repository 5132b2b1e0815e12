package mailsettingstest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

func TestStartProviderErrors(t *testing.T) {
	for _, d := range []string{"", "bad..domain", "alice@example.test"} {
		if p, err := mailsettingstest.StartProvider(d); err == nil {
			p.Close()
			t.Errorf("StartProvider(%q) succeeded", d)
		}
	}
	// The first server started; the second cannot: the first is closed
	// again (goleak checks).
	_, err := mailsettingstest.StartProvider("example.test",
		mailsettingstest.WithServer(mailsettings.IMAP, mailsettings.ImplicitTLS),
		mailsettingstest.WithServer("", mailsettings.ImplicitTLS))
	if err == nil {
		t.Errorf("StartProvider with an invalid server succeeded")
	}
}

func TestProviderHostAndClose(t *testing.T) {
	p := mailsettingstest.NewProvider(t, "例子.test",
		mailsettingstest.WithServer(mailsettings.SMTP, mailsettings.STARTTLS, mailsettingstest.WithHost("mail.xn--fsqu00a.test")))
	if p.Domain != "xn--fsqu00a.test" || p.Autoconfig != nil || len(p.Servers) != 1 {
		t.Fatalf("Domain %q, Autoconfig %v, %d servers", p.Domain, p.Autoconfig, len(p.Servers))
	}
	if p.Server(mailsettings.SMTP, mailsettings.ImplicitTLS) != nil {
		t.Errorf("Server found a server that was not asked for")
	}
	e := p.Provider.Info().Endpoints[0]
	if e.Host != "mail.xn--fsqu00a.test" {
		t.Errorf("endpoint %v", e)
	}
	if _, err := p.Prober().Probe(context.Background(), e); err != nil {
		t.Errorf("probe of a server with its own host name: %v", err)
	}
	p.Close()
	if _, err := p.Prober().Probe(context.Background(), e); mailsettings.KindOf(err) != mailsettings.KindConnectionRefused {
		t.Errorf("after Close: %v, want %s", err, mailsettings.KindConnectionRefused)
	}
}

// A fake provider for example.test, found the way a mail client finds a
// real one: over HTTPS autoconfig, then probed.
func ExampleNewProvider() {
	// In a test: fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	fake, err := mailsettingstest.StartProvider("example.test", mailsettingstest.WithAutoconfig())
	if err != nil {
		panic(err)
	}
	defer fake.Close()
	ctx := context.Background()

	d := fake.Discoverer()
	d.Providers = nil // no shortcut: DNS and HTTPS, as in production
	disc, err := d.Discover(ctx, "alice@example.test")
	if err != nil {
		panic(err)
	}
	best, _ := disc.Best()
	fmt.Println(best.Source, best.Trust, best.URL)
	for _, r := range fake.Prober().ProbeAll(ctx, best.Endpoints()) {
		fmt.Println(r.Result.Endpoint.Protocol, r.Result.Endpoint.Encryption, r.Result.Verified, r.Err)
	}
	// Output:
	// autoconfig authenticated https://autoconfig.example.test/mail/config-v1.1.xml
	// imap tls true <nil>
	// imap starttls true <nil>
	// pop3 tls true <nil>
	// smtp tls true <nil>
	// smtp starttls true <nil>
}
