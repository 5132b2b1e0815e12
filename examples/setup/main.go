// Command setup shows account setup with mailsettings: the settings for
// an address from the built-in database, or from discovery for other
// domains, with what the user must know before logging in.
//
//	go run ./examples/setup alice@qq.com
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/mailsettings/mailsettings"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: setup ADDRESS")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A domain of the built-in table answers at once, without I/O;
	// others are discovered (autoconfig, ISP database, SRV, MX).
	disc, err := mailsettings.Discover(ctx, os.Args[1])
	best, ok := disc.Best()
	if !ok {
		log.Fatal(err)
	}
	if best.Trust < mailsettings.TrustAuthenticated {
		fmt.Println("unverified settings: ask the user to confirm them")
	}
	imap, _ := best.Best(mailsettings.IMAP)
	smtp, _ := best.Best(mailsettings.SMTP)
	fmt.Println("incoming:", imap, "as", best.Username(imap))
	fmt.Println("outgoing:", smtp, "as", best.Username(smtp))
	for _, n := range best.Notes() {
		fmt.Println("note:", n.Text.In("en"))
	}
}
