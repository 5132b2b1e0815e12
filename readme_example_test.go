package mailsettings_test

// The Go snippets of README.md are excerpts of these examples (and of the
// programs under examples/); TestREADMESnippets checks that each still is.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// Example_readme is the README's first example.
func Example_readme() {
	s, err := mailsettings.Lookup("alice@qq.com")
	if err != nil {
		log.Fatal(err) // errors.Is(err, mailsettings.ErrUnknownDomain) / ErrInvalidInput
	}
	imap, _ := s.Best(mailsettings.IMAP)
	smtp, _ := s.Best(mailsettings.SMTP)
	fmt.Println(imap.Addr(), smtp.Addr(), s.Username(imap))
	for _, n := range s.Notes() {
		fmt.Println(n.Text.In("zh-Hans"))
	}
	// Output:
	// imap.qq.com:993 smtp.qq.com:465 alice@qq.com
	// 请在QQ邮箱网页版“设置 > 账户”中开启IMAP/SMTP（或POP3/SMTP）服务，用生成的授权码登录，不要用QQ密码；用QQ密码登录会返回“535 Login Fail. Please enter your authorization code to login”。
	// QQ邮箱不接受未加密连接上的登录（返回“530 Login fail. A secure connection is requiered(such as ssl)”）。
}

// Example_pasted: addresses as people paste them, and local parts that
// RFC 5321 does not allow.
func Example_pasted() {
	for _, in := range []string{"mailto:alice@qq.com", "Alice <alice@qq.com>", "(alice@qq.com),", "al..ice@qq.com"} {
		s, err := mailsettings.Lookup(in)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s.Address())
	}
	// Output:
	// alice@qq.com
	// alice@qq.com
	// alice@qq.com
	// mailsettings: invalid address or domain "al..ice@qq.com": two dots in a row in local part
}

// Example_unicodeDomain: a Unicode domain, answered by a provider the
// program knows (a Discoverer's Providers are consulted like the built-in
// table).
func Example_unicodeDomain() {
	p, err := mailsettings.NewProvider(mailsettings.ProviderInfo{
		ID: "example-cn", Name: "例子邮箱", Domains: []string{"xn--fsqu00a.xn--fiqs8s"},
		Endpoints: []mailsettings.ServerEndpoint{
			{Protocol: mailsettings.IMAP, Host: "imap.xn--fsqu00a.xn--fiqs8s", Port: 993, Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	d := &mailsettings.Discoverer{Providers: []mailsettings.Provider{p}}
	disc, err := d.Discover(context.Background(), "用户@例子.中国")
	if err != nil {
		log.Fatal(err)
	}
	best, _ := disc.Best()
	imap, _ := best.Best(mailsettings.IMAP)
	fmt.Println(disc.UnicodeDomain, disc.Domain)
	fmt.Println(imap.Addr(), best.Username(imap))
	// Output:
	// 例子.中国 xn--fsqu00a.xn--fiqs8s
	// imap.xn--fsqu00a.xn--fiqs8s:993 用户@xn--fsqu00a.xn--fiqs8s
}

// ExampleNewCache: a Discoverer with a cache asks the network once per
// domain; the second answer comes from memory with the trust it was
// found with. (The fake provider stands for the network.)
func ExampleNewCache() {
	fake, err := mailsettingstest.StartProvider("example.test", mailsettingstest.WithAutoconfig())
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	d := fake.Discoverer()
	d.Providers = nil // find it over HTTPS autoconfig

	d.Cache = mailsettings.NewCache(10000, nil) // share d among goroutines
	for _, addr := range []string{"alice@example.test", "bob@example.test"} {
		disc, err := d.Discover(context.Background(), addr)
		if err != nil {
			log.Fatal(err)
		}
		best, _ := disc.Best()
		fmt.Println(disc.LocalPart, best.Source, best.Trust)
	}
	// Output:
	// alice autoconfig authenticated
	// bob autoconfig authenticated
}

// Example_probeFailure: a probe that fails explains why and what to do.
func Example_probeFailure() {
	srv, err := mailsettingstest.Start(mailsettings.IMAP, mailsettings.STARTTLS)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	imap := srv.Endpoint()
	imap.Encryption = mailsettings.ImplicitTLS // wrong: the port speaks STARTTLS

	_, err = srv.Prober().Probe(context.Background(), imap)
	if pe, ok := errors.AsType[*mailsettings.ProbeError](err); ok {
		fmt.Println(pe.Kind, pe.Step)                 // expected_tls_got_plaintext, cert_name_mismatch, ...
		explanation := pe.Explanation().In("zh-Hans") // what went wrong
		fix := pe.Fix().In("zh-Hans")                 // what to do, plus the provider's notes
		fmt.Println(explanation != "", strings.Contains(fix, "STARTTLS"))
	}
	// Output:
	// expected_tls_got_plaintext tls
	// true true
}

// Example_misbehavingServer: a test server that injects data after the
// STARTTLS go-ahead, and what the client sent it.
func Example_misbehavingServer() {
	srv, err := mailsettingstest.Start(mailsettings.IMAP, mailsettings.STARTTLS,
		mailsettingstest.InjectAfterSTARTTLS("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = srv.Prober().Probe(context.Background(), srv.Endpoint())
	fmt.Println(mailsettings.KindOf(err)) // starttls_injection
	srv.Close()
	fmt.Println(len(srv.Transcript()) > 0) // every byte received, marked plain or tls
	// Output:
	// starttls_injection
	// true
}
