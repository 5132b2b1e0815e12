package mailsettings_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

func ExampleLookup() {
	s, err := mailsettings.Lookup("alice@qq.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Provider.Info().Name)
	for _, e := range s.Endpoints() {
		fmt.Printf("%v, username %s\n", e, s.Username(e))
	}
	fmt.Println(s.Provider.Info().Password)
	// Output:
	// QQ Mail
	// IMAP imap.qq.com:993 implicit TLS, username alice@qq.com
	// POP3 pop.qq.com:995 implicit TLS, username alice@qq.com
	// SMTP smtp.qq.com:465 implicit TLS, username alice@qq.com
	// SMTP smtp.qq.com:587 STARTTLS, username alice@qq.com
	// authorization-code
}

func ExampleLookup_normalization() {
	for _, in := range []string{"QQ.COM.", " gmail.com ", "例子.中国"} {
		s, err := mailsettings.Lookup(in)
		fmt.Printf("%q: %s (%s) known=%v\n", in, s.Domain, s.UnicodeDomain, err == nil)
	}
	// Output:
	// "QQ.COM.": qq.com (qq.com) known=true
	// " gmail.com ": gmail.com (gmail.com) known=true
	// "例子.中国": xn--fsqu00a.xn--fiqs8s (例子.中国) known=false
}

func ExampleLookup_errors() {
	for _, in := range []string{"alice@", "example.com"} {
		_, err := mailsettings.Lookup(in)
		switch {
		case errors.Is(err, mailsettings.ErrInvalidInput):
			fmt.Println("invalid:", err)
		case errors.Is(err, mailsettings.ErrUnknownDomain):
			fmt.Println("unknown:", err)
		}
	}
	// Output:
	// invalid: mailsettings: invalid address or domain "alice@": missing domain after @
	// unknown: mailsettings: domain not in the built-in database: example.com
}

func ExampleSettings_Best() {
	s, _ := mailsettings.Lookup("bob@163.com")
	in, _ := s.Best(mailsettings.IMAP)
	out, _ := s.Best(mailsettings.SMTP)
	fmt.Println(in)
	fmt.Println(out)
	fmt.Println("send IMAP ID:", s.Provider.Info().IMAPID)
	for _, n := range s.Notes() {
		fmt.Printf("[%v] %s\n", n.Kind, n.Text.In("zh-CN"))
	}
	// Output:
	// IMAP imap.163.com:993 implicit TLS
	// SMTP smtp.163.com:465 implicit TLS
	// send IMAP ID: true
	// [password] 请在网页版邮箱“设置 > POP3/SMTP/IMAP”中开启IMAP/SMTP（及POP3/SMTP）服务，并用生成的16位客户端授权码登录，不要用邮箱密码。免费邮箱同时最多只能有两个授权码。
	// [imap-id] IMAP客户端必须发送ID命令（RFC 2971），否则选择邮件夹时服务器返回“Unsafe Login. Please contact kefu@188.com for help”。已在163.com和126.com上观察到；其他网易品牌因拒绝信息指向同一188.com客服而推定相同。
}

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

func ExampleProbe() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	s, _ := mailsettings.Lookup("alice@qq.com")
	e, _ := s.Best(mailsettings.IMAP)
	res, err := mailsettings.Probe(ctx, e)
	if pe, ok := errors.AsType[*mailsettings.ProbeError](err); ok {
		fmt.Println(pe.Kind, pe.Explanation().In("zh"), pe.Fix().In("zh"))
		return
	}
	fmt.Println(tls.VersionName(res.TLSVersion), res.Greeting, res.AuthMechanisms)
}

// A Prober that sends every DNS question to a test resolver and trusts a
// test CA probes a loopback server under a realistic name, with full
// certificate verification.
func ExampleProber() {
	ca, _ := mailsettingstest.NewCA()
	srv, err := mailsettingstest.Start(mailsettings.SMTP, mailsettings.STARTTLS, mailsettingstest.WithCA(ca))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	p := mailsettings.Prober{
		Resolver:  mailsettingstest.LoopbackResolver("smtp.example.test"),
		TLSConfig: &tls.Config{RootCAs: ca.Pool()},
	}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Certificate.DNSNames, res.Verified, res.AuthMechanisms)

	// Without the CA, the certificate is not trusted.
	p.TLSConfig = nil
	_, err = p.Probe(context.Background(), srv.Endpoint())
	fmt.Println(mailsettings.KindOf(err), errors.Is(err, mailsettings.KindCertUntrusted))
	// Output:
	// [smtp.example.test] true [PLAIN LOGIN XOAUTH2]
	// cert_untrusted true
}

func ExampleProbeError_Explanation() {
	srv, _ := mailsettingstest.Start(mailsettings.IMAP, mailsettings.STARTTLS)
	defer srv.Close()
	e := srv.Endpoint()
	e.Encryption = mailsettings.ImplicitTLS // wrong: the port speaks STARTTLS
	_, err := srv.Prober().Probe(context.Background(), e)
	pe, _ := errors.AsType[*mailsettings.ProbeError](err)
	fmt.Println(pe.Kind)
	fmt.Println(pe.Fix().String())
	fmt.Println(pe.Fix().In("zh-Hans"))
	// Output:
	// expected_tls_got_plaintext
	// Set the encryption of this port to STARTTLS, or use port 993 with implicit TLS (SSL/TLS): 993 is implicit TLS, 143 is STARTTLS.
	// 请把这个端口的加密方式设为STARTTLS，或改用993端口并使用隐式TLS（SSL/TLS）：993端口是隐式TLS（SSL/TLS），143端口是STARTTLS。
}
