package mailsettings_test

import (
	"errors"
	"fmt"

	"github.com/mailsettings/mailsettings"
)

func ExampleLookup() {
	s, err := mailsettings.Lookup("alice@qq.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Provider.Info().Name)
	for _, e := range s.Endpoints() {
		fmt.Printf("%-4v %s:%d %v, username %s\n", e.Protocol, e.Host, e.Port, e.Encryption, s.Username(e))
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
