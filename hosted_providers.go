package mailsettings

// Hosting services for custom domains, found by the domain's MX records
// (see LookupMX). Most have no mail domains of their own in the table;
// Fastmail also lists its consumer domains here.

// hostedProviders returns the curated records of hosting services.
func hostedProviders() []ProviderInfo {
	return []ProviderInfo{
		{
			// Google Workspace uses the Gmail servers with the full address
			// as username: https://support.google.com/mail/answer/7126229
			// ("Gmail and Google Workspace").
			ID:   "google-workspace",
			Name: "Google Workspace",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.gmail.com", 993, ImplicitTLS, addr),
				ep(POP3, "pop.gmail.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.gmail.com", 465, ImplicitTLS, addr),
				ep(SMTP, "smtp.gmail.com", 587, STARTTLS, addr),
			},
			DocURL:   "https://support.google.com/mail/answer/7126229",
			Password: PasswordApp,
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Log in with OAuth2 or an app password; your administrator may have turned IMAP/POP access off for the organization.").With("zh-Hans", "请使用OAuth2或应用专用密码登录；管理员可能已为整个组织关闭IMAP/POP访问。"),
			}},
			Source:      "https://support.google.com/mail/answer/7126229",
			LastChecked: "2026-11-26",
		},
		{
			// Microsoft 365 (Exchange Online): IMAP/POP outlook.office365.com
			// 993/995, SMTP smtp.office365.com 587 STARTTLS, per Microsoft
			// Learn "POP3 and IMAP4 in Exchange Online" and Thunderbird ISPDB
			// office365.com.xml. Basic authentication for IMAP and POP was
			// turned off in Exchange Online in 2022 ("Deprecation of Basic
			// authentication in Exchange Online").
			ID:   "microsoft365",
			Name: "Microsoft 365 (Exchange Online)",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "outlook.office365.com", 993, ImplicitTLS, addr),
				ep(POP3, "outlook.office365.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.office365.com", 587, STARTTLS, addr),
			},
			DocURL:   "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4",
			Password: PasswordOAuth2Only,
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Exchange Online accepts only OAuth2 for IMAP and POP3; your administrator must also allow IMAP, POP and authenticated SMTP for your mailbox.").With("zh-Hans", "Exchange Online的IMAP和POP3只接受OAuth2登录；管理员还必须为你的邮箱开启IMAP、POP和SMTP身份验证。"),
			}},
			Source:      "Thunderbird ISPDB office365.com.xml; Microsoft Learn, POP3 and IMAP4 in Exchange Online",
			LastChecked: "2026-11-26",
		},
		{
			// Tencent Exmail (腾讯企业邮): imap/pop/smtp.exmail.qq.com on
			// 993/995/465 SSL, per the Exmail client-setup help as copied by
			// third parties and nodemailer's "QQex". The certificate names
			// only *.exmail.qq.com (twikoojs/twikoo#304).
			ID:   "exmail",
			Name: "Tencent Exmail",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.exmail.qq.com", 993, ImplicitTLS, addr),
				ep(POP3, "pop.exmail.qq.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.exmail.qq.com", 465, ImplicitTLS, addr),
			},
			DocURL:   "https://service.exmail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001254",
			Password: PasswordAccount, // a client-specific password once "secure login" is on (see the note)
			Notes: []Note{
				{
					Kind: NoteCertificate,
					Text: NewText("Use the hosts imap.exmail.qq.com and smtp.exmail.qq.com, not imap./smtp. under your own domain: the certificate names only *.exmail.qq.com.").With("zh-Hans", "请使用imap.exmail.qq.com和smtp.exmail.qq.com，不要用自己域名下的imap./smtp.：服务器证书只包含*.exmail.qq.com。"),
				},
				{
					Kind: NotePassword,
					Text: NewText("If secure login is on, log in with a client-specific password made in the Exmail settings, not the mailbox password.").With("zh-Hans", "如果开启了安全登录，请使用在企业邮箱设置中生成的客户端专用密码登录，而不是邮箱密码。"),
				},
			},
			Source:      "Exmail client-setup help (as copied by third parties); nodemailer services.json QQex; twikoojs/twikoo#304",
			LastChecked: "2026-11-26",
		},
		{
			// NetEase Qiye (网易企业邮箱): imaphz.qiye.163.com 993 SSL and
			// smtphz.qiye.163.com 465 SSL, from FairEmail providers.xml
			// (NetEase entry, which links NetEase's host list
			// https://qiye.163.com/help/client-profile.html, not retrieved).
			// POP3 and the password kind could not be confirmed and are left
			// out; so is the IMAP ID requirement of the consumer service.
			ID:   "netease-qiye",
			Name: "NetEase Qiye Mail",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imaphz.qiye.163.com", 993, ImplicitTLS, addr),
				ep(SMTP, "smtphz.qiye.163.com", 465, ImplicitTLS, addr),
			},
			DocURL:      "https://qiye.163.com/help/client-profile.html",
			Source:      "FairEmail providers.xml (NetEase entry, linking https://qiye.163.com/help/client-profile.html)",
			LastChecked: "2026-11-26",
		},
		{
			// Alibaba Mail (阿里邮箱企业版). SMTP smtp.qiye.aliyun.com 465 SSL
			// and the authorization code: https://help.aliyun.com/en/document_detail/36687.html;
			// IMAP imap.qiye.aliyun.com 993 SSL: https://help.aliyun.com/document_detail/2857156.html
			// (both official). The plaintext SMTP ports 25 and 80 are left
			// out (they would carry the password in the clear), and so is
			// POP3, whose host could not be confirmed. The certificate names
			// *.qiye.aliyun.com only (BookStackApp/BookStack#1960).
			ID:   "alibaba-mail",
			Name: "Alibaba Mail",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.qiye.aliyun.com", 993, ImplicitTLS, addr),
				ep(SMTP, "smtp.qiye.aliyun.com", 465, ImplicitTLS, addr),
			},
			DocURL:   "https://help.aliyun.com/en/document_detail/36687.html",
			Password: PasswordAuthCode,
			Notes: []Note{
				{
					Kind: NotePassword,
					Text: NewText("Switch on SMTP/IMAP access in the Alibaba Mail web settings and log in with the authorization code it gives (or the third-party client security password, if that feature is on), not the mailbox password.").With("zh-Hans", "先在阿里邮箱网页设置中开启SMTP/IMAP服务，并用生成的授权码登录（如开启了第三方客户端安全密码，则用该密码），不要用邮箱密码。"),
					URL:  "https://help.aliyun.com/en/document_detail/36687.html",
				},
				{
					Kind: NoteCertificate,
					Text: NewText("Use imap.qiye.aliyun.com and smtp.qiye.aliyun.com, not imap./smtp. under your own domain: the certificate names only *.qiye.aliyun.com.").With("zh-Hans", "请使用imap.qiye.aliyun.com和smtp.qiye.aliyun.com，不要用自己域名下的imap./smtp.：服务器证书只包含*.qiye.aliyun.com。"),
				},
			},
			Source:      "https://help.aliyun.com/en/document_detail/36687.html; https://help.aliyun.com/document_detail/2857156.html; MX: https://help.aliyun.com/en/document_detail/446248.html",
			LastChecked: "2026-11-26",
		},
		zoho("zoho", "Zoho Mail", "zoho.com", "https://www.zoho.com/mail/help/imap-access.html"),
		zoho("zoho-eu", "Zoho Mail (EU)", "zoho.eu", "https://www.zoho.eu/mail/help/imap-access.html"),
		{
			// Yandex 360 for business: imap.yandex.com 993 SSL, smtp.yandex.com
			// 465 SSL, IMAP to be enabled in the settings (FairEmail
			// providers.xml "Yandex", linking
			// https://yandex.com/support/mail/mail-clients/others.html).
			ID:   "yandex-360",
			Name: "Yandex 360",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.yandex.com", 993, ImplicitTLS, addr),
				ep(SMTP, "smtp.yandex.com", 465, ImplicitTLS, addr),
			},
			DocURL: "https://yandex.com/support/mail/mail-clients/others.html",
			Notes: []Note{{
				Kind: NoteEnable,
				Text: NewText("Allow access by mail clients (IMAP) in the Yandex Mail settings first.").With("zh-Hans", "请先在Yandex邮箱设置中允许邮件客户端（IMAP）访问。"),
				URL:  "https://yandex.com/support/mail/mail-clients/others.html",
			}},
			Source:      "FairEmail providers.xml (Yandex, linking https://yandex.com/support/mail/mail-clients/others.html)",
			LastChecked: "2026-11-26",
		},
		{
			// Fastmail: servers from https://www.fastmail.help/hc/en-us/articles/1500000278342
			// as copied by chatmail provider-db fastmail.md (IMAP 993 SSL,
			// SMTP 465 SSL; 587 STARTTLS "very strongly discouraged" and left
			// out) and FairEmail (POP3 pop.fastmail.com 995 SSL). App
			// password required. Domains: https://www.fastmail.com/about/ourdomains/
			// as copied by chatmail provider-db fastmail.md.
			ID:      "fastmail",
			Name:    "Fastmail",
			Domains: fastmailDomains(),
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.fastmail.com", 993, ImplicitTLS, addr),
				ep(POP3, "pop.fastmail.com", 995, ImplicitTLS, addr),
				ep(SMTP, "smtp.fastmail.com", 465, ImplicitTLS, addr),
			},
			DocURL:   "https://www.fastmail.help/hc/en-us/articles/1500000278342",
			Password: PasswordApp,
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Log in with an app password made in Fastmail's settings (Privacy & Security > App passwords), not your account password. For an alias or custom domain, the username is the address you log in to Fastmail with.").With("zh-Hans", "请使用在Fastmail设置（隐私与安全 > 应用密码）中生成的应用密码登录，而不是账号密码。使用别名或自定义域名时，用户名是登录Fastmail所用的地址。"),
			}},
			Source:      "https://www.fastmail.help/hc/en-us/articles/1500000278342 (via chatmail provider-db fastmail.md); FairEmail providers.xml",
			LastChecked: "2026-11-26",
		},
		{
			// iCloud+ custom email domains: the iCloud Mail servers
			// (Thunderbird ISPDB me.com.xml: imap.mail.me.com 993 SSL,
			// smtp.mail.me.com 587 STARTTLS; chatmail provider-db icloud.md).
			// The login is the account's iCloud address, not the custom
			// address (icloud.md), which no username form can express: the
			// note says so.
			ID:   "icloud-custom-domain",
			Name: "iCloud+ custom email domain",
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.mail.me.com", 993, ImplicitTLS, addr),
				ep(SMTP, "smtp.mail.me.com", 587, STARTTLS, addr),
			},
			DocURL:   "https://support.apple.com/HT202304",
			Password: PasswordApp,
			Notes: []Note{{
				Kind: NotePassword,
				Text: NewText("Log in with your iCloud Mail address (not the custom-domain address) and an app-specific password made at account.apple.com.").With("zh-Hans", "请使用iCloud邮件地址（而不是自定义域名地址）和在account.apple.com生成的App专用密码登录。"),
				URL:  "https://support.apple.com/HT202304",
			}},
			Source:      "Thunderbird ISPDB me.com.xml; chatmail provider-db icloud.md (custom domains)",
			LastChecked: "2026-11-26",
		},
	}
}

// zoho returns a Zoho Mail data-centre record: imap.DC 993 SSL, smtp.DC 465
// SSL, IMAP to be enabled first (FairEmail providers.xml "Zoho" and "Zoho
// EU"; chatmail provider-db zoho.md).
func zoho(id, name, dc, doc string) ProviderInfo {
	return ProviderInfo{
		ID:   id,
		Name: name,
		Endpoints: []ServerEndpoint{
			ep(IMAP, "imap."+dc, 993, ImplicitTLS, addr),
			ep(SMTP, "smtp."+dc, 465, ImplicitTLS, addr),
		},
		DocURL: doc,
		Notes: []Note{{
			Kind: NoteEnable,
			Text: NewText("Enable IMAP access in Zoho Mail settings (Mail Accounts > IMAP) first; with two-factor authentication on, log in with an app-specific password.").With("zh-Hans", "请先在Zoho Mail设置“邮件账户 > IMAP”中开启IMAP访问；如开启了双重验证，请使用应用专用密码登录。"),
			URL:  doc,
		}},
		Source:      "FairEmail providers.xml (" + name + ", linking " + doc + "); chatmail provider-db zoho.md",
		LastChecked: "2026-11-26",
	}
}

// hostedMXRules returns the MX host patterns of hosting services.
func hostedMXRules() []mxRule {
	return []mxRule{
		// Google Workspace: smtp.google.com for domains set up since 2023,
		// aspmx.l.google.com and alt1-4.aspmx.l.google.com before
		// (support.google.com/a/answer/174125, as quoted by third parties).
		// Consumer gmail.com uses gmail-smtp-in.l.google.com, not listed.
		{"smtp.google.com", "google-workspace"},
		{"aspmx.l.google.com", "google-workspace"},
		{"*.aspmx.l.google.com", "google-workspace"},
		// Microsoft 365: TENANT.mail.protection.outlook.com, and the DNSSEC
		// hosts under .mx.microsoft (Exchange Team blog, "Implementing
		// Inbound SMTP DANE with DNSSEC for Exchange Online").
		{"*.mail.protection.outlook.com", "microsoft365"},
		{"*.mx.microsoft", "microsoft365"},
		// Outlook.com consumer domains: *.olc.protection.outlook.com
		// (Thunderbird ISPDB hotmail.com.xml comment).
		{"*.olc.protection.outlook.com", "outlook"},
		// Tencent Exmail: mxbiz1/mxbiz2.qq.com; consumer QQ Mail is mx*.qq.com.
		{"mxbiz1.qq.com", "exmail"},
		{"mxbiz2.qq.com", "exmail"},
		// NetEase Qiye: qiye163mx01/02.mxmail.netease.com (dig outputs,
		// e.g. for qiye.163.com itself). Consumer 163.com uses
		// 163mx0N.mxmail.netease.com, not listed.
		{"qiye163mx01.mxmail.netease.com", "netease-qiye"},
		{"qiye163mx02.mxmail.netease.com", "netease-qiye"},
		// Alibaba Mail: mx1-3.qiye.aliyun.com, or the legacy
		// mxn.mxhichina.com (https://help.aliyun.com/en/document_detail/446248.html)
		// and mxw.mxhichina.com (public test code).
		{"mx1.qiye.aliyun.com", "alibaba-mail"},
		{"mx2.qiye.aliyun.com", "alibaba-mail"},
		{"mx3.qiye.aliyun.com", "alibaba-mail"},
		{"mxn.mxhichina.com", "alibaba-mail"},
		{"mxw.mxhichina.com", "alibaba-mail"},
		// Zoho Mail: mx/mx2/mx3 under the data centre's domain.
		{"mx.zoho.com", "zoho"},
		{"mx2.zoho.com", "zoho"},
		{"mx3.zoho.com", "zoho"},
		{"mx.zoho.eu", "zoho-eu"},
		{"mx2.zoho.eu", "zoho-eu"},
		{"mx3.zoho.eu", "zoho-eu"},
		// Yandex 360: mx.yandex.net.
		{"mx.yandex.net", "yandex-360"},
		// Fastmail: in1-smtp and in2-smtp.messagingengine.com.
		{"in1-smtp.messagingengine.com", "fastmail"},
		{"in2-smtp.messagingengine.com", "fastmail"},
		// iCloud+ custom domains: mx01/mx02.mail.icloud.com.
		{"mx01.mail.icloud.com", "icloud-custom-domain"},
		{"mx02.mail.icloud.com", "icloud-custom-domain"},
	}
}

// fastmailDomains returns the domains Fastmail offers for new addresses
// (https://www.fastmail.com/about/ourdomains/, as copied by chatmail
// provider-db fastmail.md).
func fastmailDomains() []string {
	return []string{
		"123mail.org", "150mail.com", "150ml.com", "16mail.com", "2-mail.com", "4email.net", "50mail.com",
		"airpost.net", "allmail.net", "bestmail.us", "cluemail.com", "elitemail.org", "emailcorner.net",
		"emailengine.net", "emailengine.org", "emailgroups.net", "emailplus.org", "emailuser.net", "eml.cc",
		"f-m.fm", "fast-email.com", "fast-mail.org", "fastem.com", "fastemail.us", "fastemailer.com",
		"fastest.cc", "fastimap.com", "fastmail.cn", "fastmail.co.uk", "fastmail.com", "fastmail.com.au",
		"fastmail.de", "fastmail.es", "fastmail.fm", "fastmail.fr", "fastmail.im", "fastmail.in", "fastmail.jp",
		"fastmail.mx", "fastmail.net", "fastmail.nl", "fastmail.org", "fastmail.se", "fastmail.to",
		"fastmail.tw", "fastmail.uk", "fastmail.us", "fastmailbox.net", "fastmessaging.com", "fea.st",
		"fmail.co.uk", "fmailbox.com", "fmgirl.com", "fmguy.com", "ftml.net", "h-mail.us", "hailmail.net",
		"imap-mail.com", "imap.cc", "imapmail.org", "inoutbox.com", "internet-e-mail.com", "internet-mail.org",
		"internetemails.net", "internetmailing.net", "jetemail.net", "justemail.net", "letterboxes.org",
		"mail-central.com", "mail-page.com", "mailandftp.com", "mailas.com", "mailbolt.com", "mailc.net",
		"mailcan.com", "mailforce.net", "mailftp.com", "mailhaven.com", "mailingaddress.org", "mailite.com",
		"mailmight.com", "mailnew.com", "mailsent.net", "mailservice.ms", "mailup.net", "mailworks.org",
		"ml1.net", "mm.st", "myfastmail.com", "mymacmail.com", "nospammail.net", "ownmail.net", "petml.com",
		"postinbox.com", "postpro.net", "proinbox.com", "promessage.com", "realemail.net", "reallyfast.biz",
		"reallyfast.info", "rushpost.com", "sent.as", "sent.at", "sent.com", "speedpost.net", "speedymail.org",
		"ssl-mail.com", "swift-mail.com", "the-fastest.net", "the-quickest.com", "theinternetemail.com",
		"veryfast.biz", "veryspeedy.net", "warpmail.net", "xsmail.com", "yepmail.net", "your-mail.com",
	}
}
