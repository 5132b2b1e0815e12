package mailsettings_test

import (
	"context"
	"crypto/tls"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

var users = map[string]string{"alice@example.test": "right-password"}

func checkLogin(t *testing.T, srv *mailsettingstest.Server, p *mailsettings.Prober, c mailsettings.Credentials) (*mailsettings.ProbeResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), longWait)
	defer cancel()
	return p.CheckLogin(ctx, srv.Endpoint(), c)
}

// TestCheckLogin logs in to every protocol in both TLS modes with a right
// and a wrong password and an OAuth2 token, and checks that every
// credential travelled only after TLS.
func TestCheckLogin(t *testing.T) {
	for _, p := range protocols {
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(string(p)+"/"+string(enc), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc, mailsettingstest.WithUsers(users),
					mailsettingstest.WithOAuth2Tokens(map[string]string{"bob@example.test": "tok-123"}))
				res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
				if err != nil {
					t.Fatalf("right password: %v", err)
				}
				if res.Login == nil || !res.Login.Accepted {
					t.Fatalf("Login = %+v, want accepted", res.Login)
				}
				_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "wrong"})
				wantKind(t, err, mailsettings.KindAuthRejected)
				res, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "tok-123"})
				if err != nil || res.Login.Mechanism != "XOAUTH2" {
					t.Fatalf("XOAUTH2: %v, login %+v", err, res.Login)
				}
				_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "expired"})
				wantKind(t, err, mailsettings.KindAuthRejected)
				srv.Close()
				tr := srv.Transcript()
				cmds := tr.CredentialCommands()
				if len(cmds) == 0 {
					t.Fatalf("no login commands in transcript:\n%s", tr)
				}
				for _, l := range cmds {
					if !l.AfterTLS {
						t.Errorf("credential sent before TLS: %q", l.Text)
					}
				}
				for _, c := range tr {
					if !c.AfterTLS && (strings.Contains(string(c.Data), "password") || strings.Contains(string(c.Data), "tok-123")) {
						t.Errorf("secret in plaintext: %q", c.Data)
					}
				}
			})
		}
	}
}

// TestCheckLoginNeverInPlaintext proves that credentials are withheld from
// a plaintext endpoint and from a TLS connection whose certificate was not
// verified, against servers that would accept them and record everything.
func TestCheckLoginNeverInPlaintext(t *testing.T) {
	self, err := mailsettingstest.SelfSigned("imap.example.test", "pop3.example.test", "smtp.example.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range protocols {
		t.Run(string(p)+"/plaintext", func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, p, plain, mailsettingstest.WithUsers(users))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
			wantKind(t, err, mailsettings.KindAuthInsecure)
			if res.Login != nil {
				t.Errorf("Login = %+v", res.Login)
			}
			srv.Close()
			checkSecretAbsent(t, srv.Transcript(), "right-password")
		})
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(string(p)+"/insecure-skip-verify/"+string(enc), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc, mailsettingstest.WithUsers(users), mailsettingstest.WithCert(self))
				pr := &mailsettings.Prober{Resolver: srv.Resolver(), TLSConfig: &tls.Config{InsecureSkipVerify: true}}
				if _, err := checkLogin(t, srv, pr, mailsettings.Credentials{}); err == nil {
					t.Fatal("empty credentials accepted")
				}
				res, err := checkLogin(t, srv, pr, mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
				wantKind(t, err, mailsettings.KindAuthInsecure)
				if res.TLSVersion == 0 || res.Verified {
					t.Errorf("TLS %x verified %v, want unverified TLS", res.TLSVersion, res.Verified)
				}
				srv.Close()
				checkSecretAbsent(t, srv.Transcript(), "right-password")
			})
		}
	}
}

func checkSecretAbsent(t *testing.T, tr mailsettingstest.Transcript, secret string) {
	t.Helper()
	if cmds := tr.CredentialCommands(); len(cmds) > 0 {
		t.Errorf("login commands sent: %v", cmds)
	}
	if tr.Contains(secret) {
		t.Errorf("secret sent:\n%s", tr)
	}
}

// TestCheckLoginProviderHints checks the classification of real providers'
// rejections and that the provider's notes are added to the fix. The test
// servers take the providers' host names, with certificates from the test
// CA.
func TestCheckLoginProviderHints(t *testing.T) {
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		host  string
		reply string
		want  mailsettings.ErrorKind
		fix   string // in the English fix
		fixZH string // in the Chinese fix
	}{
		{"gmail-smtp-534", smtp, itls, "smtp.gmail.com", "534-5.7.9 Application-specific password required. For more information, go to\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
			mailsettings.KindAuthAppPassword, "app password", "应用专用密码"},
		{"gmail-imap", imap, itls, "imap.gmail.com", "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
			mailsettings.KindAuthAppPassword, "app password", "应用专用密码"},
		{"qq-smtp-535", smtp, itls, "smtp.qq.com", "535 Login Fail. Please enter your authorization code to login. More information in https://service.mail.qq.com/detail/0/53",
			mailsettings.KindAuthAppPassword, "authorization code", "授权码"},
		{"outlook-smtp-basic-disabled", smtp, stls, "smtp-mail.outlook.com", "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
			mailsettings.KindAuthOAuth2Required, "OAuth2", "OAuth2"},
		{"outlook-imap-plain-no", imap, itls, "outlook.office365.com", "NO AUTHENTICATE failed.",
			mailsettings.KindAuthOAuth2Required, "OAuth2", "OAuth2"},
		{"netease-imap-rejected", imap, itls, "imap.163.com", "NO LOGIN Login error password error",
			mailsettings.KindAuthRejected, "authorization code", "授权码"},
		// Replies with a fix of their own that names the setting to change
		// (research notes, replies.md).
		{"m365-smtp-auth-mailbox", smtp, stls, "smtp.office365.com", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.",
			mailsettings.KindAuthDisabled, "Set-CASMailbox -Identity USER -SmtpClientAuthenticationDisabled $false", "管理员"},
		{"m365-smtp-auth-tenant", smtp, stls, "smtp.office365.com", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
			mailsettings.KindAuthDisabled, "Set-TransportConfig -SmtpClientAuthenticationDisabled $false", "整个组织"},
		{"m365-policy", smtp, stls, "smtp.office365.com", "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.",
			mailsettings.KindAuthDisabled, "Conditional Access", "条件访问"},
		{"m365-client-submission", smtp, stls, "smtp.office365.com", "550 5.7.30 Basic authentication is not supported for Client Submission.",
			mailsettings.KindAuthOAuth2Required, "basic authentication for client submission is retired", "OAuth2"},
		{"m365-wrong-password", smtp, stls, "smtp.office365.com", "535 5.7.3 Authentication unsuccessful [SN4PR0601CA0012.namprd06.prod.outlook.com]",
			mailsettings.KindAuthRejected, "Authenticated SMTP", "经过身份验证的SMTP"},
		{"outlook-imap-basic-disabled", imap, itls, "outlook.office365.com", "NO Basic authentication is disabled.",
			mailsettings.KindAuthOAuth2Required, "app passwords go the same way", "OAuth2"},
		{"gmail-smtp-rejected", smtp, itls, "smtp.gmail.com", "535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials",
			mailsettings.KindAuthRejected, "https://myaccount.google.com/apppasswords", "应用专用密码"},
		{"gmail-web-login", smtp, itls, "smtp.gmail.com", "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1>\r\n534 5.7.14 Please log in via your web browser and then try again.",
			mailsettings.KindAuthAppPassword, "web browser", "网页浏览器"},
		{"yahoo-auth005", smtp, itls, "smtp.mail.yahoo.com", "535 5.7.0 (#AUTH005) Too many bad auth attempts.",
			mailsettings.KindAuthAppPassword, "Generate app password", "生成应用密码"},
		{"qq-gbk", smtp, itls, "smtp.qq.com", "535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256",
			mailsettings.KindAuthAppPassword, "Settings > Account", "设置 > 账号"},
		{"netease-not-enabled", smtp, itls, "smtp.163.com", "550 User has no permission",
			mailsettings.KindAuthNotEnabled, "Settings > POP3/SMTP/IMAP", "开启"},
		{"netease-rate-limited", smtp, itls, "smtp.163.com", "554 Ip is rejected, smtp auth error limit exceed,163 smtp9,DcCowAD",
			mailsettings.KindAuthRateLimited, "Wait before trying again", "等待"},
		{"yandex-imap-disabled", imap, itls, "imap.yandex.com", "NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP is disabled sc=abc123",
			mailsettings.KindAuthRejected, "https://mail.yandex.com/#setup/client", "开启IMAP"},
		{"mailru-app-password", smtp, itls, "smtp.mail.ru", "535 5.7.0 NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED",
			mailsettings.KindAuthAppPassword, "app password", "应用专用密码"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, c.proto, c.enc, mailsettingstest.WithHost(c.host), mailsettingstest.WithAuthFailure(c.reply))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "account-password"})
			pe := wantKind(t, err, c.want)
			if res.Provider.IsZero() || pe.Provider.IsZero() {
				t.Fatalf("no provider found for %s", c.host)
			}
			if res.Login == nil || res.Login.Accepted {
				t.Errorf("Login = %+v", res.Login)
			}
			if fix := pe.Fix(); !strings.Contains(fix.String(), c.fix) || !strings.Contains(zhHans(fix), c.fixZH) {
				t.Errorf("Fix() = %+v, want %q / %q", fix, c.fix, c.fixZH)
			}
		})
	}
}

// TestCheckLoginIMAPID logs in to a server that, like NetEase, accepts the
// login but refuses SELECT and EXAMINE with "Unsafe Login" until the client
// sent IMAP ID. The prober sends ID right after the login because the
// provider needs it, and checks with EXAMINE that the mailbox opens. (It
// used to send ID before the login, against a fake that refused the login
// itself, which no NetEase server does.)
func TestCheckLoginIMAPID(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithHost("imap.163.com"), mailsettingstest.RequireIMAPID(), mailsettingstest.WithUsers(users))
	res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
	if err != nil {
		t.Fatalf("CheckLogin: %v", err)
	}
	if !res.Login.Accepted {
		t.Fatalf("Login = %+v", res.Login)
	}
	srv.Close()
	lines := srv.Transcript().Lines()
	find := func(verb string) int {
		return slices.IndexFunc(lines, func(l mailsettingstest.Line) bool {
			f := strings.Fields(l.Text)
			return len(f) > 1 && strings.EqualFold(f[1], verb)
		})
	}
	login, id, examine := find("AUTHENTICATE"), find("ID"), find("EXAMINE")
	if login < 0 || id < 0 || examine < 0 || !(login < id && id < examine) {
		t.Errorf("login at %d, ID at %d, EXAMINE at %d; want login, then ID, then EXAMINE:\n%v", login, id, examine, lines)
	}
}

// TestCheckLoginIMAPIDOnlyWhenNeeded: for a provider not known to need ID,
// nothing follows the login, so a server that would refuse its mailbox
// still passes the credential check (the login itself worked).
func TestCheckLoginIMAPIDOnlyWhenNeeded(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.RequireIMAPID(), mailsettingstest.WithUsers(users))
	if _, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"}); err != nil {
		t.Fatalf("CheckLogin: %v", err)
	}
	srv.Close()
	if tr := srv.Transcript(); tr.Contains(" ID ") || tr.Contains("EXAMINE") {
		t.Errorf("ID or EXAMINE sent to a provider that does not need them:\n%s", tr)
	}
}

// TestCheckLoginMailboxRefused: when the mailbox stays closed after ID (a
// server that refuses EXAMINE whatever the client does), the login is
// reported as accepted and the failure as mailbox_refused, with the
// provider's IMAP ID note in the fix.
func TestCheckLoginMailboxRefused(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithHost("imap.163.com"), dialogue("* OK Coremail System IMap Server Ready\r\n",
		exch{verb: "CAPABILITY", reply: "* CAPABILITY IMAP4rev1 ID SASL-IR AUTH=PLAIN\r\n{tag} OK done\r\n"},
		exch{verb: "AUTHENTICATE", reply: "{tag} OK LOGIN completed\r\n"},
		exch{verb: "ID", reply: "* ID NIL\r\n{tag} OK ID completed\r\n"},
		exch{verb: "EXAMINE", reply: "{tag} NO EXAMINE Unsafe Login. Please contact kefu@188.com for help\r\n"},
		exch{verb: "LOGOUT", reply: "{tag} OK bye\r\n"}))
	res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
	pe := wantKind(t, err, mailsettings.KindMailboxRefused)
	if res.Login == nil || !res.Login.Accepted || res.Login.Mechanism != "PLAIN" {
		t.Errorf("Login = %+v, want accepted with PLAIN", res.Login)
	}
	if !strings.Contains(pe.ServerText, "Unsafe Login") || !strings.Contains(pe.Fix().String(), "RFC 2971") || !strings.Contains(zhHans(pe.Fix()), "ID命令") {
		t.Errorf("ServerText %q, Fix %+v", pe.ServerText, pe.Fix())
	}
}

// TestCheckLoginRefusesUnsafeCredentials checks that credentials that could
// inject a command (CR, LF or NUL, as in an IMAP LOGIN line or a POP3 USER
// line) or are empty are refused before anything is dialled.
func TestCheckLoginRefusesUnsafeCredentials(t *testing.T) {
	for _, c := range []mailsettings.Credentials{
		{Username: "", Password: "pw"},
		{Username: "alice@example.test"},
		{Username: "alice@example.test", Password: "pw\r\na2 DELETE INBOX"},
		{Username: "alice@example.test\r\nDELE 1", Password: "pw"},
		{Username: "alice@example.test", Password: "pw\nQUIT"},
		{Username: "alice@example.test", Password: "pw\x00admin"},
		{Username: "alice@example.test", OAuth2Token: "tok\r\nQUIT"},
	} {
		for _, p := range protocols {
			srv := newServer(t, p, itls, mailsettingstest.WithUsers(users))
			_, err := checkLogin(t, srv, srv.Prober(), c)
			wantKind(t, err, mailsettings.KindInvalidRequest)
			srv.Close()
			if n := srv.Connections(); n != 0 {
				t.Errorf("%s %q: %d connections, want none; transcript:\n%s", p, c.Password, n, srv.Transcript())
			}
		}
	}
}

// TestCheckLoginSASLAsOffered logs in with the mechanism each server
// offers: SASL LOGIN where it is the only one (an IMAP server with only
// AUTH=LOGIN used to get auth_unavailable, a POP3 server with only SASL
// LOGIN got USER/PASS and a right password was reported auth_rejected),
// the protocol's own command only where the server allows it, and
// OAUTHBEARER (RFC 7628) before XOAUTH2 for a token.
func TestCheckLoginSASLAsOffered(t *testing.T) {
	tokens := map[string]string{"bob@example.test": "tok-123"}
	alice := mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"}
	wrong := mailsettings.Credentials{Username: "alice@example.test", Password: "wrong"}
	bob := mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "tok-123"}
	bobExpired := mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "expired"}
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		opts  []mailsettingstest.Option
		cred  mailsettings.Credentials
		want  mailsettings.ErrorKind // "" for an accepted login
		mech  string                 // the mechanism used, "" when none was
	}{
		{"imap/login-only", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), alice, "", "LOGIN"},
		{"imap/login-only/wrong", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), wrong, mailsettings.KindAuthRejected, "LOGIN"},
		{"imap/plain-before-login", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN", "PLAIN")), alice, "", "PLAIN"},
		{"imap/no-sasl", imap, opts(mailsettingstest.WithAuthMechanisms()), alice, "", "IMAP-LOGIN"},
		{"imap/no-sasl/login-disabled", imap, opts(mailsettingstest.WithAuthMechanisms(), mailsettingstest.OnlySASL()), alice, mailsettings.KindAuthUnavailable, ""},
		{"imap/oauthbearer", imap, opts(mailsettingstest.WithAuthMechanisms("PLAIN", "XOAUTH2", "OAUTHBEARER")), bob, "", "OAUTHBEARER"},
		{"imap/oauthbearer/expired", imap, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"imap/token-without-oauth", imap, opts(mailsettingstest.WithAuthMechanisms("PLAIN", "LOGIN")), bob, mailsettings.KindAuthUnavailable, ""},
		{"pop3/login-only", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), alice, "", "LOGIN"},
		{"pop3/login-only/wrong", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), wrong, mailsettings.KindAuthRejected, "LOGIN"},
		{"pop3/sasl-before-user", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN")), alice, "", "LOGIN"},
		{"pop3/user", pop3, opts(mailsettingstest.WithAuthMechanisms()), alice, "", "USER"},
		{"pop3/no-user-no-sasl", pop3, opts(mailsettingstest.WithAuthMechanisms(), mailsettingstest.OnlySASL()), alice, mailsettings.KindAuthUnavailable, ""},
		{"pop3/oauthbearer", pop3, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER", "XOAUTH2")), bob, "", "OAUTHBEARER"},
		{"pop3/oauthbearer/expired", pop3, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"smtp/login-only", smtp, opts(mailsettingstest.WithAuthMechanisms("LOGIN")), alice, "", "LOGIN"},
		{"smtp/oauthbearer", smtp, opts(mailsettingstest.WithAuthMechanisms("XOAUTH2", "OAUTHBEARER")), bob, "", "OAUTHBEARER"},
		{"smtp/oauthbearer/expired", smtp, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"smtp/no-auth", smtp, opts(mailsettingstest.WithAuthMechanisms()), alice, mailsettings.KindAuthUnavailable, ""},
	}
	for _, c := range cases {
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(c.name+"/"+string(enc), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, c.proto, enc, append(c.opts, mailsettingstest.WithUsers(users), mailsettingstest.WithOAuth2Tokens(tokens))...)
				res, err := checkLogin(t, srv, srv.Prober(), c.cred)
				if c.want == "" {
					if err != nil {
						t.Fatalf("CheckLogin: %v", err)
					}
				} else {
					wantKind(t, err, c.want)
				}
				switch {
				case c.mech == "" && res.Login != nil:
					t.Errorf("Login = %+v, want none", res.Login)
				case c.mech != "" && (res.Login == nil || res.Login.Mechanism != c.mech || res.Login.Accepted != (c.want == "")):
					t.Errorf("Login = %+v, want mechanism %s, accepted %v", res.Login, c.mech, c.want == "")
				}
				srv.Close()
				tr := srv.Transcript()
				for _, l := range tr.CredentialCommands() {
					if !l.AfterTLS {
						t.Errorf("credential command before TLS: %q", l.Text)
					}
				}
				if c.want == mailsettings.KindAuthUnavailable {
					checkSecretAbsent(t, tr, c.cred.Password+c.cred.OAuth2Token)
				}
			})
		}
	}
}

// TestCheckLoginLongInitialResponse: an initial response that would make
// the AUTH command longer than the protocol allows (RFC 4954: 512 octets
// for SMTP; RFC 5034: 255 for POP3) is sent after the server's empty
// challenge instead.
func TestCheckLoginLongInitialResponse(t *testing.T) {
	token := strings.Repeat("t", 600)
	for _, p := range []mailsettings.Protocol{pop3, smtp} {
		t.Run(string(p), func(t *testing.T) {
			srv := newServer(t, p, itls, mailsettingstest.WithAuthMechanisms("XOAUTH2"),
				mailsettingstest.WithOAuth2Tokens(map[string]string{"bob@example.test": token}))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: token})
			if err != nil || !res.Login.Accepted {
				t.Fatalf("CheckLogin: %v, login %+v", err, res.Login)
			}
			srv.Close()
			bare := false
			for _, l := range srv.Transcript().Lines() {
				if strings.HasPrefix(l.Text, "AUTH ") && len(l.Text) > 255 {
					t.Errorf("AUTH command of %d bytes: %.40q...", len(l.Text), l.Text)
				}
				bare = bare || l.Text == "AUTH XOAUTH2"
			}
			if !bare {
				t.Errorf("no bare AUTH XOAUTH2 command:\n%s", srv.Transcript())
			}
		})
	}
}
