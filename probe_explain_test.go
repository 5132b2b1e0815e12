package mailsettings_test

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// TestProbeArticles: no message says "a IMAP" or "a SMTP", in the cause
// (Error) or in the explanation and fix, for a greeting of another
// protocol on a plaintext port and after a mode mismatch (the cause used
// to say "SMTP greeting on a IMAP port").
func TestProbeArticles(t *testing.T) {
	bad := regexp.MustCompile(`\b[Aa] (IMAP|SMTP)\b`)
	cases := []struct {
		name           string
		client, server mailsettings.Protocol
		enc            mailsettings.Encryption
		want           string // in Error()
	}{
		{"imap-client-at-smtp", imap, smtp, stls, "on an IMAP port"},
		{"smtp-client-at-imap", smtp, imap, stls, "on an SMTP port"},
		{"pop3-client-at-imap", pop3, imap, stls, "on a POP3 port"},
		{"implicit-smtp-client-at-imap", smtp, imap, itls, "on an SMTP port"},
		{"implicit-imap-client-at-smtp", imap, smtp, itls, "on an IMAP port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, c.server, stls)
			e := srv.Endpoint()
			e.Protocol, e.Encryption = c.client, c.enc
			_, err := srv.Prober().Probe(context.Background(), e)
			pe := wantKind(t, err, mailsettings.KindWrongProtocol)
			if pe.Detected != c.server {
				t.Errorf("Detected = %v, want %v", pe.Detected, c.server)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("Error() = %q, want %q", err, c.want)
			}
			for _, s := range []string{err.Error(), pe.Explanation().String(), pe.Fix().String()} {
				if m := bad.FindString(s); m != "" {
					t.Errorf("%q in %q", m, s)
				}
			}
		})
	}
}

// namedResolver is a resolver that names itself, as netdial lets one do.
type namedResolver struct{ *mailsettingstest.Resolver }

func (namedResolver) String() string { return "the test resolver at 127.0.0.53:53" }

// TestDNSFailureSaysWhatWasAsked: a DNS failure says which name was asked
// of which resolver, and what it answered.
func TestDNSFailureSaysWhatWasAsked(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		r      mailsettings.Resolver
		want   mailsettings.ErrorKind
		en, zh []string
	}{
		{"not-found", &mailsettingstest.Resolver{}, mailsettings.KindDNSNotFound,
			[]string{"The name nx.example.test. was asked of the DNS resolver", "does not exist"}, []string{"DNS解析器", "nx.example.test.", "不存在"}},
		{"not-found-named", namedResolver{&mailsettingstest.Resolver{}}, mailsettings.KindDNSNotFound,
			[]string{"asked of the test resolver at 127.0.0.53:53"}, []string{"the test resolver at 127.0.0.53:53"}},
		{"failure", failingResolver{}, mailsettings.KindDNSFailure,
			[]string{"The name nx.example.test. was asked of the DNS resolver, which gave no answer: server misbehaving."}, []string{"没有得到答案：server misbehaving"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mailsettings.Prober{Resolver: c.r}
			_, err := p.Probe(ctx, endpoint(imap, "nx.example.test", 993, itls))
			pe := wantKind(t, err, c.want)
			x := pe.Explanation()
			for _, s := range c.en {
				if !strings.Contains(x.String(), s) {
					t.Errorf("Explanation() = %q, want %q", x.String(), s)
				}
			}
			for _, s := range c.zh {
				if !strings.Contains(zhHans(x), s) {
					t.Errorf("Explanation() zh-Hans = %q, want %q", zhHans(x), s)
				}
			}
		})
	}
}

// TestFixNotesOnlyWhereTheyExplain: a provider's notes are added only to
// the failures they explain. A DNS failure for a well-known host does not
// say "check the spelling" (the name is the table's) nor append QQ Mail's
// authorization-code note, as it used to; a refused connection gets no
// note either; a login rejection gets the password note.
func TestFixNotesOnlyWhereTheyExplain(t *testing.T) {
	ctx := context.Background()
	qq := endpoint(imap, "imap.qq.com", 993, itls)

	_, err := (&mailsettings.Prober{Resolver: &mailsettingstest.Resolver{}}).Probe(ctx, qq)
	pe := wantKind(t, err, mailsettings.KindDNSNotFound)
	f := pe.Fix()
	if s := f.String(); strings.Contains(s, "Check the spelling") || strings.Contains(s, "authorization code") || !strings.Contains(s, "QQ Mail") || !strings.Contains(s, "DNS") {
		t.Errorf("DNS failure of a known host: Fix() = %q", s)
	}
	if s := zhHans(f); strings.Contains(s, "请检查服务器名称的拼写") || strings.Contains(s, "授权码") {
		t.Errorf("DNS failure of a known host: Fix() zh-Hans = %q", s)
	}

	refused := qq
	refused.Port = closedPort(t)
	_, err = (&mailsettings.Prober{Resolver: mailsettingstest.LoopbackResolver("imap.qq.com")}).Probe(ctx, refused)
	pe = wantKind(t, err, mailsettings.KindConnectionRefused)
	if s := pe.Fix().String(); strings.Contains(s, "QQ Mail") {
		t.Errorf("refused connection: Fix() = %q, want no provider note", s)
	}

	srv := newServer(t, imap, itls, mailsettingstest.WithHost("imap.qq.com"), mailsettingstest.WithUsers(users))
	_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@qq.com", Password: "qq-password"})
	pe = wantKind(t, err, mailsettings.KindAuthRejected)
	if s := pe.Fix().String(); !strings.Contains(s, "QQ Mail: ") || !strings.Contains(s, "authorization code") {
		t.Errorf("rejected login: Fix() = %q, want the password note", s)
	}

	// Tencent Exmail's certificate note goes with a certificate failure,
	// not with a rate limit.
	wrong, err := testCA.Issue("mail.example.test")
	if err != nil {
		t.Fatal(err)
	}
	srv = newServer(t, imap, itls, mailsettingstest.WithHost("imap.exmail.qq.com"), mailsettingstest.WithCert(wrong))
	_, err = probe(t, srv, "", longWait)
	pe = wantKind(t, err, mailsettings.KindCertNameMismatch)
	if s := pe.Fix().String(); !strings.Contains(s, "*.exmail.qq.com") {
		t.Errorf("certificate failure: Fix() = %q, want the certificate note", s)
	}
	srv = newServer(t, smtp, itls, mailsettingstest.WithHost("smtp.exmail.qq.com"), mailsettingstest.WithAuthFailure("535 Error: Too many login attempts, please try again later."))
	_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.org", Password: "pw"})
	pe = wantKind(t, err, mailsettings.KindAuthRateLimited)
	if s := pe.Fix().String(); strings.Contains(s, "Tencent Exmail") {
		t.Errorf("rate limit: Fix() = %q, want no provider note", s)
	}
}

// TestMicrosoft365Advice: a login refused at outlook.office365.com, the
// IMAP host Outlook.com and Microsoft 365 share, gets Microsoft 365's
// advice for an address of a custom domain and without a login, and
// Outlook.com's only for an Outlook.com address.
func TestMicrosoft365Advice(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithHost("outlook.office365.com"), mailsettingstest.WithAuthFailure("NO AUTHENTICATE failed."))
	for _, c := range []struct {
		user, want, lacks string
	}{
		{"alice@contoso.com", "Exchange Online accepts only OAuth2", "Outlook.com accepts only"},
		{"alice@hotmail.com", "Outlook.com accepts only OAuth2", "Exchange Online accepts"},
	} {
		res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: c.user, Password: "pw"})
		pe := wantKind(t, err, mailsettings.KindAuthOAuth2Required)
		if f := pe.Fix().String(); !strings.Contains(f, c.want) || strings.Contains(f, c.lacks) {
			t.Errorf("%s: Fix() = %q, want %q and not %q", c.user, f, c.want, c.lacks)
		}
		if res.Provider.IsZero() || pe.Provider != res.Provider {
			t.Errorf("%s: provider %v / %v", c.user, res.Provider, pe.Provider)
		}
	}
	res, _ := probe(t, srv, "", longWait)
	if id := res.Provider.Info().ID; id != "microsoft365" {
		t.Errorf("Probe of outlook.office365.com: provider %q, want microsoft365", id)
	}
}

// TestExpectedPlaintextNamesPorts: the explanation of a mode mismatch is
// unchanged, the fix names the other mode's standard port.
func TestExpectedPlaintextNamesPorts(t *testing.T) {
	pe := &mailsettings.ProbeError{Endpoint: endpoint(pop3, "mail.example.test", 995, stls), Kind: mailsettings.KindExpectedPlaintextGotTLS, Err: net.ErrClosed}
	if f := pe.Fix(); !strings.Contains(f.String(), "implicit TLS (SSL/TLS), or use port 110 with STARTTLS") || !strings.Contains(zhHans(f), "110端口并使用STARTTLS") {
		t.Errorf("Fix() = %+v", f)
	}
}

// TestNoPlaceholderLeft: every kind's explanation and fix fills all of its
// placeholders, for a bare ProbeError as callers may build one and for
// one at the login step with a server reply.
func TestNoPlaceholderLeft(t *testing.T) {
	for _, k := range mailsettings.ErrorKindsForTest() {
		for _, pe := range []*mailsettings.ProbeError{
			{Endpoint: endpoint(imap, "mail.example.test", 993, itls), Kind: k},
			{Endpoint: endpoint(smtp, "smtp.office365.com", 587, stls), Kind: k, Step: "auth", ServerText: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox."},
		} {
			for _, txt := range []mailsettings.Text{pe.Explanation(), pe.Fix()} {
				for _, lang := range []string{"en", "zh-Hans", "zh-Hant"} {
					if s := txt.In(lang); strings.ContainsAny(s, "{}") || s == "" {
						t.Errorf("%s (%s): %q", k, lang, s)
					}
				}
			}
		}
	}
}
