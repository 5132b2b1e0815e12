package mailsettings_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mailsettings/mailsettings"
)

// Discover needs the network, so this example has no Output comment and is
// compiled but not run.
func ExampleDiscover() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	disc, err := mailsettings.Discover(ctx, "alice@example.com")
	switch {
	case errors.Is(err, mailsettings.ErrLookupFailed):
		fmt.Println("could not look: offline?")
		return
	case errors.Is(err, mailsettings.ErrNotFound):
		fmt.Println("no settings published for", disc.Domain)
		return
	}
	best, ok := disc.Best()
	if !ok {
		fmt.Println(err)
		return
	}
	if best.Trust < mailsettings.TrustAuthenticated {
		// Unauthenticated answers should be confirmed by the user.
		for _, r := range best.Reasons {
			fmt.Println("note:", r.Text().In("en"))
		}
	}
	for _, e := range best.Endpoints() {
		fmt.Println(e, best.Username(e), "from", best.Source)
	}
}

// A Discoverer with guessing, and without the ISP database (which learns
// the domain looked up).
func ExampleDiscoverer() {
	d := &mailsettings.Discoverer{Guess: true, NoISPDB: true, SourceTimeout: 5 * time.Second}
	disc, err := d.Discover(context.Background(), "bob@example.org")
	if err != nil {
		fmt.Println(err)
	}
	for _, c := range disc.Candidates {
		fmt.Println(c.Source, c.Trust, c.URL)
	}
}

// Discovery answers at once, without I/O, for a domain of the built-in
// table.
func ExampleDiscover_builtin() {
	disc, err := mailsettings.Discover(context.Background(), "alice@qq.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	best, _ := disc.Best()
	fmt.Println(best.Source, best.Trust, best.Provider.Info().Name)
	imap, _ := best.Best(mailsettings.IMAP)
	fmt.Println(imap)
	// Output:
	// builtin curated QQ Mail
	// IMAP imap.qq.com:993 implicit TLS
}
