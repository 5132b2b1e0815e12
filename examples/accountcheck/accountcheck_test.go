package accountcheck_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/examples/accountcheck"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

func TestCheck(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test",
		mailsettingstest.WithAutoconfig(),
		mailsettingstest.WithServerOptions(mailsettingstest.WithUsers(map[string]string{"alice@example.test": "secret"})))
	d := fake.Discoverer()
	d.Providers = nil // find the provider over HTTPS autoconfig, as in production
	ctx := context.Background()

	e, err := accountcheck.Check(ctx, d, fake.Prober(), "alice@example.test", "secret")
	if err != nil || e.Host != "imap.example.test" {
		t.Fatalf("Check = %v, %v", e, err)
	}
	_, err = accountcheck.Check(ctx, d, fake.Prober(), "alice@example.test", "wrong")
	if !errors.Is(err, mailsettings.KindAuthRejected) {
		t.Errorf("wrong password: %v, want auth_rejected", err)
	}
}

// Outside a test, StartProvider and Close do what NewProvider does.
func ExampleCheck() {
	fake, err := mailsettingstest.StartProvider("example.test", mailsettingstest.WithAutoconfig(),
		mailsettingstest.WithServerOptions(mailsettingstest.WithUsers(map[string]string{"bob@example.test": "pw"})))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fake.Close()
	e, err := accountcheck.Check(context.Background(), fake.Discoverer(), fake.Prober(), "bob@example.test", "pw")
	fmt.Println(e.Host, e.Encryption, err) // the port is the loopback server's
	// Output:
	// imap.example.test tls <nil>
}
