// Command bulk shows bulk validation with mailsettings: it reads
// addresses, one per line, as a sign-up form or a CRM import has them,
// and says for each whether it is well formed and whose mail it is.
// With -discover, domains outside the built-in database are discovered,
// each once: a shared Cache keeps the answers and coalesces concurrent
// discoveries of one domain.
//
//	printf 'alice@qq.com\nBob <bob@gmail.com>\nal..ice@163.com\n' | go run ./examples/bulk
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mailsettings/mailsettings"
)

func main() {
	discover := flag.Bool("discover", false, "discover domains the built-in database does not know")
	flag.Parse()
	d := &mailsettings.Discoverer{Cache: mailsettings.NewCache(10000, nil)}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		s, err := mailsettings.Lookup(in.Text())
		switch {
		case errors.Is(err, mailsettings.ErrInvalidInput):
			fmt.Printf("invalid  %v\n", err)
		case errors.Is(err, mailsettings.ErrUnknownDomain) && *discover:
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			disc, err := d.Discover(ctx, in.Text())
			cancel()
			if best, ok := disc.Best(); ok {
				fmt.Printf("found    %s (%s, trust %s)\n", disc.Domain, best.Source, best.Trust)
			} else {
				fmt.Printf("unknown  %s: %v\n", disc.Domain, err)
			}
		case err != nil:
			fmt.Printf("unknown  %s\n", s.Domain)
		default:
			fmt.Printf("ok       %s: %s\n", s.Address(), s.Provider.Info().Name)
		}
	}
}
