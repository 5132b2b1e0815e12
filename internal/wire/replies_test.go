package wire

import "testing"

// TestClassifyLoginFailure classifies the replies collected in the
// project's research notes (replies.md), each as a provider sent it, with
// the kind and the hint of its own fix.
func TestClassifyLoginFailure(t *testing.T) {
	cases := []struct {
		reply string
		kind  Kind
		hint  string
	}{
		// Microsoft 365 / Outlook.com.
		{"535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0123.namprd03.prod.outlook.com 2024-10-01T10:00:00.000Z 08DCE1F2E4A7B1C2]", KindAuthOAuth2Required, "ms-basic-auth"},
		{"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", KindAuthDisabled, "ms-smtp-auth-tenant"},
		{"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.", KindAuthDisabled, "ms-smtp-auth-mailbox"},
		{"535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.", KindAuthDisabled, "ms-policy"},
		{"550 5.7.30 Basic authentication is not supported for Client Submission.", KindAuthOAuth2Required, "ms-basic-auth-submission"},
		{"535 5.7.30 Basic authentication is not supported for Client Submission.", KindAuthOAuth2Required, "ms-basic-auth-submission"},
		{"535 5.7.3 Authentication unsuccessful [SN4PR0601CA0012.namprd06.prod.outlook.com]", KindAuthRejected, "ms-rejected"},
		{"NO Basic authentication is disabled.", KindAuthOAuth2Required, "ms-basic-auth"},
		{"NO AUTHENTICATE failed.", KindAuthRejected, ""},
		{"NO LOGIN failed.", KindAuthRejected, ""},
		// Gmail.
		{"534-5.7.9 Application-specific password required. For more information, go to 534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor d2-20020a05", KindAuthAppPassword, "google-app-password"},
		{"NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", KindAuthAppPassword, "google-app-password"},
		{"534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and then try again.", KindAuthAppPassword, "google-web-login"},
		{"534-5.7.9 Please log in with your web browser and then try again. Learn more at 534 5.7.9 https://support.google.com/mail/?p=WebLoginRequired", KindAuthAppPassword, "google-web-login"},
		{"535-5.7.8 Username and Password not accepted. For more information, go to 535 5.7.8  https://support.google.com/mail/?p=BadCredentials", KindAuthRejected, "google-rejected"},
		{"NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", KindAuthRejected, ""},
		{"454 4.7.0 Too many login attempts, please try again later.", KindAuthRateLimited, ""},
		// Yahoo, AOL, iCloud.
		{"NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials", KindAuthRejected, ""},
		{"535 5.7.0 (#AUTH005) Too many bad auth attempts.", KindAuthAppPassword, "yahoo-app-password"},
		{"535 5.7.0 (#MBR1212) Incorrect username or password.", KindAuthRejected, ""},
		{"NO [AUTHENTICATIONFAILED] Authentication failed", KindAuthRejected, ""},
		// QQ Mail, in English, in GBK (read as bytes) and from IMAP.
		{"535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", KindAuthAppPassword, "qq-auth-code"},
		{"535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc\xa1\xa3\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", KindAuthAppPassword, "qq-auth-code"},
		{"NO Please using authorized code to login. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", KindAuthAppPassword, "qq-auth-code"},
		{"535 Error: 请使用授权码登录", KindAuthAppPassword, "auth-code"},
		{"535 Error: authentication failed, system busy", KindAuthRejected, ""},
		// NetEase.
		{"535 Error: authentication failed", KindAuthRejected, ""},
		{"550 User has no permission", KindAuthNotEnabled, ""},
		{"NO LOGIN Login error or password error", KindAuthRejected, ""},
		{"554 Ip is rejected, smtp auth error limit exceed,163 smtp9,DcCowAD", KindAuthRateLimited, ""},
		// Others.
		{"535 5.7.0 NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED", KindAuthAppPassword, ""},
		{"NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP is disabled sc=abc123", KindAuthRejected, "yandex-imap"},
		{"-ERR authentication failed", KindAuthRejected, ""},
	}
	for _, c := range cases {
		k, hint := ClassifyLoginFailure(c.reply)
		if k != c.kind || hint != c.hint {
			t.Errorf("ClassifyLoginFailure(%q) = %s, %q; want %s, %q", c.reply, k, hint, c.kind, c.hint)
		}
	}
}
