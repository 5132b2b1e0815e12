package mailsettings

// The curated provider records. Each fact carries its source; a record here
// wins over any other data for its domains. Checked dates are when a person
// last compared the record with its source.

// Shorthands keep the records readable.
const addr = UsernameAddress

func ep(p Protocol, host string, port uint16, enc Encryption, u UsernameForm) ServerEndpoint {
	return ServerEndpoint{Protocol: p, Host: host, Port: port, Encryption: enc, Username: u}
}

// curatedProviders returns the curated records.
func curatedProviders() []ProviderInfo {
	return []ProviderInfo{
		{
			// QQ Mail. IMAP imap.qq.com 993 SSL and SMTP smtp.qq.com 465 SSL:
			// Thunderbird ISPDB qq.com.xml, chatmail provider-db qq.md, nodemailer
			// services.json "QQ" (secondary-strong; QQ's own help page could not
			// be retrieved). Domains qq.com and foxmail.com: chatmail qq.md.
			// POP3 pop.qq.com 995 SSL and SMTP 587 STARTTLS: secondary-weak
			// (blogs; koishi docs "465 或 587"), kept because several
			// independent copies agree. vip.qq.com (QQ Mail's paid tier) is
			// listed because the project's seed table names it as a QQ Mail
			// domain; no retrievable document confirms its hosts.
			// Authorization code (required for clients since 2022-11-01):
			// https://service.mail.qq.com/detail/0/75 (referenced by chatmail
			// qq.md and bounce texts; not retrieved).
			ID:   "qq",
			Name: "QQ Mail",
			Domains: []string{
				"qq.com", "foxmail.com", "vip.qq.com",
			},
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.qq.com", 993, ImplicitTLS, addr),
				ep(POP3, "pop.qq.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.qq.com", 465, ImplicitTLS, addr),
				ep(SMTP, "smtp.qq.com", 587, STARTTLS, addr),
			},
			DocURL:      "https://service.mail.qq.com/detail/0/75",
			SettingsURL: "https://wx.mail.qq.com/account",
			Password:    PasswordAuthCode,
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Turn on IMAP/SMTP (or POP3/SMTP) in QQ Mail's web settings (Settings > Account), then log in with the 16-character authorization code it shows, not your QQ password.").With("zh-Hans", "先在QQ邮箱网页版“设置 > 账号”中开启IMAP/SMTP（或POP3/SMTP）服务，然后用页面给出的16位授权码登录，不要用QQ密码。"),
				URL:  "https://service.mail.qq.com/detail/0/75",
			}},
			Source:      "https://service.mail.qq.com/detail/0/75 (authorization code); hosts: Thunderbird ISPDB qq.com.xml, chatmail provider-db qq.md",
			LastChecked: "2026-11-26",
		},
		// NetEase: one record per domain, since each has its own hosts.
		// Hosts and ports (IMAP 993, POP3 995, SMTP 465 or 994, all SSL):
		// NetEase's client-settings FAQ (neteaseServers, referenced, not
		// retrieved). Confirmed by curated databases only for 163.com (IMAP
		// and SMTP: chatmail provider-db 163.md, nodemailer "163") and
		// 126.com (SMTP: nodemailer "126"); the POP3 hosts, port 994 and the
		// other domains (yeah.net, vip.163.com, vip.126.com, 188.com) rest
		// on third-party copies of the FAQ (secondary-weak). vip.188.com is
		// left out. The non-SSL ports 143, 110 and 25 are left out on
		// purpose: they would carry the authorization code in the clear.
		netease("netease-163", "NetEase 163 Mail", "163.com", "163.com"),
		netease("netease-126", "NetEase 126 Mail", "126.com", "126.com"),
		netease("netease-yeah", "NetEase Yeah Mail", "yeah.net", "yeah.net"),
		netease("netease-vip163", "NetEase VIP 163 Mail", "vip.163.com", "vip.163.com"),
		netease("netease-vip126", "NetEase VIP 126 Mail", "vip.126.com", "vip.126.com"),
		netease("netease-188", "NetEase 188 Mail", "188.com", "188.com"),
		{
			// Gmail. IMAP and SMTP: https://support.google.com/mail/answer/7126229
			// (imap.gmail.com 993 SSL; smtp.gmail.com 465 SSL, 587 TLS/STARTTLS).
			// POP3: https://support.google.com/mail/answer/7104828 (pop.gmail.com
			// 995 SSL). App passwords: https://support.google.com/accounts/answer/185833.
			// Google's pages were not retrieved; every host and port above is
			// confirmed by Thunderbird ISPDB googlemail.com.xml, FairEmail
			// providers.xml and a verbatim copy of Google's table
			// (secondary-strong). OAuth2 block: Thunderbird ISPDB googlemail.com.xml.
			ID:      "gmail",
			Name:    "Gmail",
			Domains: []string{"gmail.com", "googlemail.com"},
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.gmail.com", 993, ImplicitTLS, addr),
				ep(POP3, "pop.gmail.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.gmail.com", 465, ImplicitTLS, addr),
				ep(SMTP, "smtp.gmail.com", 587, STARTTLS, addr),
			},
			DocURL:      "https://support.google.com/mail/answer/7126229",
			SettingsURL: "https://myaccount.google.com/apppasswords",
			Password:    PasswordApp,
			OAuth2: &OAuth2{
				Issuer:   "accounts.google.com",
				Scopes:   []string{"https://mail.google.com/"},
				AuthURL:  "https://accounts.google.com/o/oauth2/auth",
				TokenURL: "https://www.googleapis.com/oauth2/v3/token",
			},
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Log in with OAuth2, or with a 16-character app password (Google Account > Security > 2-Step Verification > App passwords); your normal Google password is refused.").With("zh-Hans", "请使用OAuth2登录，或使用16位应用专用密码（Google账号 > 安全性 > 两步验证 > 应用专用密码）；普通Google密码会被拒绝。"),
				URL:  "https://support.google.com/accounts/answer/185833",
			}},
			Source:      "https://support.google.com/mail/answer/7126229",
			LastChecked: "2026-11-26",
		},
		{
			// Outlook.com. Hosts: "POP, IMAP, and SMTP settings for Outlook.com",
			// https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353
			// (IMAP and POP outlook.office365.com 993/995 SSL/TLS, SMTP
			// smtp-mail.outlook.com 587 STARTTLS; username the full address;
			// OAuth2/Modern Auth only; POP and IMAP off by default). The old
			// smtp.live.com and imap-mail.outlook.com names are gone from it. Password
			// sign-in ended for Outlook.com on 16 September 2024 (Microsoft
			// support article "Modern authentication methods now needed to
			// continue syncing Outlook Email in non-Microsoft email apps").
			// Domains and OAuth2 block: Thunderbird ISPDB hotmail.com.xml and
			// office365.com.xml.
			ID:   "outlook",
			Name: "Outlook.com",
			Domains: []string{
				"hotmail.com", "live.com", "msn.com", "outlook.com", "windowslive.com", "outlook.at",
				"outlook.be", "outlook.cl", "outlook.cz", "outlook.de", "outlook.dk", "outlook.es",
				"outlook.fr", "outlook.hu", "outlook.ie", "outlook.in", "outlook.it", "outlook.jp",
				"outlook.kr", "outlook.lv", "outlook.my", "outlook.ph", "outlook.pt", "outlook.sa",
				"outlook.sg", "outlook.sk", "outlook.co.id", "outlook.co.il", "outlook.co.th",
				"outlook.com.ar", "outlook.com.au", "outlook.com.br", "outlook.com.gr", "outlook.com.tr",
				"outlook.com.vn", "hotmail.be", "hotmail.ca", "hotmail.cl", "hotmail.cz", "hotmail.de",
				"hotmail.dk", "hotmail.es", "hotmail.fi", "hotmail.fr", "hotmail.gr", "hotmail.hu",
				"hotmail.it", "hotmail.lt", "hotmail.lv", "hotmail.my", "hotmail.nl", "hotmail.no",
				"hotmail.ph", "hotmail.rs", "hotmail.se", "hotmail.sg", "hotmail.sk", "hotmail.co.id",
				"hotmail.co.il", "hotmail.co.in", "hotmail.co.jp", "hotmail.co.kr", "hotmail.co.th",
				"hotmail.co.uk", "hotmail.co.za", "hotmail.com.ar", "hotmail.com.au", "hotmail.com.br",
				"hotmail.com.hk", "hotmail.com.tr", "hotmail.com.tw", "hotmail.com.vn", "live.at",
				"live.be", "live.ca", "live.cl", "live.cn", "live.de", "live.dk", "live.fi", "live.fr",
				"live.hk", "live.ie", "live.in", "live.it", "live.jp", "live.nl", "live.no", "live.ru",
				"live.se", "live.co.jp", "live.co.kr", "live.co.uk", "live.co.za", "live.com.ar",
				"live.com.au", "live.com.mx", "live.com.my", "live.com.ph", "live.com.pt", "live.com.sg",
				"livemail.tw",
			},
			Endpoints: []ServerEndpoint{
				ep(IMAP, "outlook.office365.com", 993, ImplicitTLS, addr),
				ep(POP3, "outlook.office365.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp-mail.outlook.com", 587, STARTTLS, addr),
			},
			DocURL:   "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353",
			Password: PasswordOAuth2Only,
			OAuth2: &OAuth2{
				Issuer: "login.microsoftonline.com",
				Scopes: []string{
					"https://outlook.office.com/IMAP.AccessAsUser.All",
					"https://outlook.office.com/POP.AccessAsUser.All",
					"https://outlook.office.com/SMTP.Send",
					"offline_access",
				},
				AuthURL:  "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
				TokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
			},
			Notes: []Note{
				{
					Kind: NotePassword,
					Text: NewText("Outlook.com accepts only OAuth2 (modern authentication) for IMAP, POP3 and SMTP since Microsoft turned off password sign-in on 16 September 2024; app passwords no longer work. Use a client that supports OAuth2.").With("zh-Hans", "自2024年9月16日微软停用密码登录后，Outlook.com的IMAP、POP3和SMTP只接受OAuth2（现代身份验证），应用密码也不再可用。请使用支持OAuth2的客户端。"),
				},
				{
					Kind: NoteEnable,
					Text: NewText("POP and IMAP access is off until you allow it in Outlook.com settings (Mail > Forwarding and IMAP).").With("zh-Hans", "POP和IMAP访问默认关闭，需在Outlook.com设置“邮件 > 转发和IMAP”中开启。"),
				},
			},
			Source:      "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353",
			LastChecked: "2026-11-26",
		},
	}
}

// NetEase help pages: the server list, and the IMAP ID requirement
// ("为了用户账号信息安全，系统要求您的客户端表明相关身份信息", quoted in
// pimalaya/himalaya#651; reproduced in mjs/imapclient#544 and
// OfflineIMAP/offlineimap#696).
//
// The IMAP ID requirement is observed on imap.163.com and imap.126.com
// (secondary-strong). For yeah.net, vip.163.com, vip.126.com and 188.com
// it is not confirmed; it is set for them too because the refusal itself
// ("NO SELECT Unsafe Login. Please contact kefu@188.com") names the 188.com
// service desk, which shows one server platform for these brands, and
// because sending ID to a server that does not need it costs nothing.
const (
	neteaseServers = "https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac22dc0e9af8168582a"
	neteaseIMAPID  = "https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac2eda07326646e6eb0"
)

// netease returns the record for one NetEase consumer domain, whose hosts
// are imap., pop. and smtp. followed by hostDomain.
func netease(id, name, domain, hostDomain string) ProviderInfo {
	return ProviderInfo{
		ID:      id,
		Name:    name,
		Domains: []string{domain},
		Endpoints: []ServerEndpoint{
			ep(IMAP, "imap."+hostDomain, 993, ImplicitTLS, addr),
			ep(POP3, "pop."+hostDomain, 995, ImplicitTLS, addr),
			ep(SMTP, "smtp."+hostDomain, 465, ImplicitTLS, addr),
			ep(SMTP, "smtp."+hostDomain, 994, ImplicitTLS, addr),
		},
		DocURL:      neteaseServers,
		SettingsURL: "https://mail." + hostDomain + "/",
		Password:    PasswordAuthCode,
		IMAPID:      true,
		Notes: []Note{
			{
				Kind: NotePassword,
				Text: NewText("Turn on IMAP/SMTP and POP3/SMTP in the web mail's settings (Settings > POP3/SMTP/IMAP) and log in with the authorization code shown there, not your account password.").With("zh-Hans", "先在网页版邮箱“设置 > POP3/SMTP/IMAP”中开启服务，并使用页面给出的授权码登录，不要用邮箱密码。"),
			},
			{
				Kind: NoteIMAPID,
				Text: NewText("IMAP clients must send the ID command (RFC 2971) after logging in; without it the server answers SELECT with \"Unsafe Login\".").With("zh-Hans", "IMAP客户端登录后必须发送ID命令（RFC 2971），否则选择邮件夹时服务器会返回“Unsafe Login”。"),
				URL:  neteaseIMAPID,
			},
		},
		Source:      neteaseServers + " (hosts); IMAP ID: " + neteaseIMAPID,
		LastChecked: "2026-11-26",
	}
}
