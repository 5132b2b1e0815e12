// Command publish shows publishing with mailsettings: a domain owner
// whose mail is hosted by a known provider publishes the Mozilla
// autoconfig document that lets mail clients set themselves up.
//
//	go run ./examples/publish example.com exmail            # print the document
//	go run ./examples/publish -serve localhost:8080 example.com exmail
//
// Serve it at https://autoconfig.example.com/mail/config-v1.1.xml, behind
// a TLS-terminating proxy. (mailsettings serve does this for many domains.)
package main

import (
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/mailsettings/mailsettings"
)

func main() {
	serve := flag.String("serve", "", "serve the document on this `address` instead of printing it")
	flag.Parse()
	if flag.NArg() != 2 {
		log.Fatal("usage: publish [-serve ADDR] DOMAIN PROVIDER-ID")
	}
	p, ok := mailsettings.ProviderByID(flag.Arg(1)) // ids: mailsettings list
	if !ok {
		log.Fatalf("no provider %q", flag.Arg(1))
	}
	if *serve != "" {
		h, err := mailsettings.PublishHandler(map[string]mailsettings.Provider{flag.Arg(0): p}, nil)
		if err != nil {
			log.Fatal(err)
		}
		srv := &http.Server{Addr: *serve, Handler: h, ReadHeaderTimeout: 5 * time.Second}
		log.Fatal(srv.ListenAndServe())
	}
	s, err := mailsettings.Lookup(flag.Arg(0)) // normalizes the domain
	if err != nil && !errors.Is(err, mailsettings.ErrUnknownDomain) {
		log.Fatal(err)
	}
	info := p.Info()
	info.Domains = []string{s.Domain} // the document speaks for this domain only
	mine, err := mailsettings.NewProvider(info)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := mine.MarshalAutoconfig()
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(doc)
}
