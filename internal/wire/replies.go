package wire

import "strings"

// A replyRule recognises a rejection that providers send by a stable part
// of its text: the codes and words that do not change (server IDs, host
// names and timestamps do, and are never matched).
type replyRule struct {
	match []string // any of these, in the lower-cased reply
	kind  Kind
	// hint names the catalog entry with this reply's own fix
	// ("fix.reply.HINT"), or is "" for the kind's.
	hint string
}

// replyRules are tried in order; the first that matches wins, so that a
// specific text comes before a general one. Sources: the replies users
// reported, collected with links in the project's research notes
// (replies.md); the settings named in the fixes are from the providers'
// pages given with each fix in messages.txt.
var replyRules = []replyRule{
	// Microsoft 365: SMTP AUTH switched off by an administrator
	// ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication
	// is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled",
	// nodemailer/nodemailer#1484, simonrob/email-oauth2-proxy#193; "... for
	// the Mailbox", a setup guide quoting the server).
	{[]string{"smtpclientauthentication is disabled for the tenant"}, KindAuthDisabled, "ms-smtp-auth-tenant"},
	{[]string{"smtpclientauthentication is disabled"}, KindAuthDisabled, "ms-smtp-auth-mailbox"},
	// Microsoft 365: refused by a sign-in policy ("535 5.7.139
	// Authentication unsuccessful, the request did not meet the criteria
	// to be authenticated successfully. Contact your administrator.").
	{[]string{"did not meet the criteria to be authenticated"}, KindAuthDisabled, "ms-policy"},
	// Exchange Online retired basic authentication for client submission
	// ("550 5.7.30 Basic authentication is not supported for Client
	// Submission"; Microsoft's announcement "Exchange Online to retire
	// Basic auth for Client Submission (SMTP AUTH)").
	{[]string{"basic authentication is not supported for client submission", "5.7.30 "}, KindAuthOAuth2Required, "ms-basic-auth-submission"},
	// Basic authentication off for the account ("535 5.7.139
	// Authentication unsuccessful, basic authentication is disabled.",
	// rpremraj/mailR#107, nodemailer/nodemailer#1714, lukevella/rallly#3154;
	// IMAP "NO Basic authentication is disabled.", holon-run/uxc#445).
	{[]string{"basic authentication is disabled", "5.7.139"}, KindAuthOAuth2Required, "ms-basic-auth"},
	{[]string{"oauth2 required", "oauth is required"}, KindAuthOAuth2Required, ""},
	// Microsoft's plain rejection ("535 5.7.3 Authentication
	// unsuccessful", thingsboard/thingsboard#13935, duplicati/duplicati#3813):
	// wrong credentials, or SMTP AUTH off for the mailbox.
	{[]string{"5.7.3 authentication unsuccessful"}, KindAuthRejected, "ms-rejected"},

	// Gmail: 2-Step Verification is on ("534-5.7.9 Application-specific
	// password required.", mageplaza/magento-2-smtp#181,
	// nodemailer/nodemailer#1116; IMAP "NO [ALERT] Application-specific
	// password required", LukeSmithxyz/mutt-wizard#831).
	{[]string{"application-specific password required", "invalidsecondfactor", "5.7.9 application"}, KindAuthAppPassword, "google-app-password"},
	// Gmail blocked the sign-in ("534-5.7.14 <...> Please log in via your
	// web browser", YetiForceCompany/YetiForceCRM#14235; "534-5.7.9 Please
	// log in with your web browser", "?p=WebLoginRequired",
	// nodemailer/nodemailer#653).
	{[]string{"5.7.14", "log in via your web browser", "log in with your web browser", "webloginrequired"}, KindAuthAppPassword, "google-web-login"},
	// Gmail's plain rejection ("535-5.7.8 Username and Password not
	// accepted.", PHPMailer/PHPMailer#1708): a wrong password, a revoked
	// app password, or the account password where an app password is
	// needed.
	{[]string{"username and password not accepted"}, KindAuthRejected, "google-rejected"},

	// Yahoo and AOL ("535 5.7.0 (#AUTH005) Too many bad auth attempts.",
	// nodemailer/nodemailer#1112, nedimf/maildroid#17): in practice the
	// account password where an app password is needed; also a lockout.
	{[]string{"(#auth005)"}, KindAuthAppPassword, "yahoo-app-password"},

	// Too many attempts: Gmail ("Too many login attempts, please try again
	// later.", geoffsmith82/GmailAuthSMTP#12), NetEase ("554 Ip is
	// rejected, smtp auth error limit exceed", "Login frequency limited").
	{[]string{"too many login attempts", "auth error limit exceed", "login frequency limited"}, KindAuthRateLimited, ""},

	// QQ Mail wants its authorization code ("535 Login Fail. Please enter
	// your authorization code to login. More information in
	// http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256",
	// louislam/uptime-kuma#3434; the older Chinese form is sent in GBK, so
	// only its URL matches, FeeiCN/GSIL#70; IMAP "Please using authorized
	// code to login", pandolia/qqbot#139).
	{[]string{"no=1001256", "please enter your authorization code", "please using authorized code"}, KindAuthAppPassword, "qq-auth-code"},
	{[]string{"authorization code", "authorized code", "授权码"}, KindAuthAppPassword, "auth-code"},
	// Mail.ru ("535 5.7.0 NEOBHODIM parol prilozheniya ... Application
	// password is REQUIRED", lmanukyan/print-designer#5,
	// thunderbird/thunderbird-android#9069, once spelt "Aplication").
	{[]string{"application password is required", "aplication password is required"}, KindAuthAppPassword, ""},
	{[]string{"application-specific password", "app password", "app-specific password", "5.7.9 ", "web browser"}, KindAuthAppPassword, ""},

	// NetEase: the SMTP/POP3/IMAP service is not switched on ("550 User
	// has no permission", open-falcon/mail-provider#6, which links NetEase's
	// help page; testerSunshine/12306#62).
	{[]string{"user has no permission"}, KindAuthNotEnabled, ""},
	// Yandex: "NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP
	// is disabled" (Foundry376/Mailspring#2111, #904): one of the two.
	{[]string{"or imap is disabled"}, KindAuthRejected, "yandex-imap"},
}

// ClassifyLoginFailure reads a rejection's text for the replies this
// package knows. It returns the kind and, for a reply with a fix of its
// own, the hint that names it in the catalog ("fix.reply.HINT"), or "".
// An unknown reply is [KindAuthRejected].
func ClassifyLoginFailure(text string) (Kind, string) {
	t := strings.ToLower(text)
	for _, r := range replyRules {
		for _, m := range r.match {
			if strings.Contains(t, m) {
				return r.kind, r.hint
			}
		}
	}
	return KindAuthRejected, ""
}
