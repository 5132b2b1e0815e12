package mailsettings_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// goFile finds the file a README snippet names: a backticked path ending
// in .go.
var goFile = regexp.MustCompile("`([A-Za-z0-9_./-]+\\.go)`")

// TestREADMESnippets: every Go snippet of README.md is an excerpt of a
// compiled, tested file that the text just before it names (an Example
// function or a program under examples/), line for line, indentation
// aside.
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i
		var snippet []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			snippet = append(snippet, strings.TrimSpace(lines[i]))
		}
		n++
		// The nearest file named in the text before the snippet.
		file := ""
		for j := start - 1; j >= 0 && j > start-8 && file == ""; j-- {
			if m := goFile.FindAllStringSubmatch(lines[j], -1); m != nil {
				file = m[len(m)-1][1]
			}
		}
		if file == "" {
			t.Errorf("README.md:%d: the text before the snippet names no .go file it comes from", start+1)
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("README.md:%d: %v", start+1, err)
			continue
		}
		if !containsLines(strings.Split(string(src), "\n"), snippet) {
			t.Errorf("README.md:%d: the snippet is not an excerpt of %s:\n%s", start+1, file, strings.Join(snippet, "\n"))
		}
		if !strings.HasSuffix(file, "_test.go") && !strings.HasPrefix(file, "examples/") {
			t.Errorf("README.md:%d: %s is neither a test file nor a program under examples/", start+1, file)
		}
	}
	if n < 5 {
		t.Errorf("found only %d Go snippets in README.md", n)
	}
}

// containsLines reports whether want appears in src as consecutive lines,
// leading and trailing space aside.
func containsLines(src, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := range src {
		if i+len(want) > len(src) {
			return false
		}
		ok := true
		for j, w := range want {
			if strings.TrimSpace(src[i+j]) != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestREADMECommands: the README's two set-up commands are the ones that
// work on a fresh checkout, and CI runs the README's test command.
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"go run ./cmd/mailsettings lookup alice@qq.com", "go test -race -count=1 ./..."} {
		if !strings.Contains(string(readme), "\n"+cmd) {
			t.Errorf("README.md lacks the command %q at the start of a line", cmd)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\ngo test -race -count=1 ./...") {
		t.Error(".ci/run does not run the README's test command")
	}
}

// The Go snippets of README.md are excerpts of these examples (and of the
// programs under examples/); TestREADMESnippets checks that each still is.

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

// TestREADMEErrorKinds: the README's list of failure kinds is the whole
// vocabulary, since callers are pointed to it.
func TestREADMEErrorKinds(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(b), "Failures have a fixed vocabulary")
	list, _, _ = strings.Cut(list, "\n\n")
	listed := regexp.MustCompile(`[a-z0-9]+(?:_[a-z0-9]+)*`).FindAllString(list, -1)
	kinds := mailsettings.ErrorKindsForTest()
	if !ok || len(kinds) < 30 {
		t.Fatalf("no kind list in README.md, or only %d kinds", len(kinds))
	}
	for _, k := range kinds {
		if !slices.Contains(listed, string(k)) {
			t.Errorf("README.md does not list the kind %s", k)
		}
	}
}
