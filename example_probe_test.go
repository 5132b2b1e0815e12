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
