package mailsettings

// Hosting services for custom domains, found by the domain's MX records
// (see LookupMX). They have no mail domains of their own in the table.

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
				Text: Text{
					English: "Log in with OAuth2 or an app password; your administrator may have turned IMAP/POP access off for the organization.",
					Chinese: "请使用OAuth2或应用专用密码登录；管理员可能已为整个组织关闭IMAP/POP访问。",
				},
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
				Text: Text{
					English: "Exchange Online accepts only OAuth2 for IMAP and POP3; your administrator must also allow IMAP, POP and authenticated SMTP for your mailbox.",
					Chinese: "Exchange Online的IMAP和POP3只接受OAuth2登录；管理员还必须为你的邮箱开启IMAP、POP和SMTP身份验证。",
				},
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
			Password: PasswordApp,
			Notes: []Note{
				{
					Kind: NoteCertificate,
					Text: Text{
						English: "Use the hosts imap.exmail.qq.com and smtp.exmail.qq.com, not imap./smtp. under your own domain: the certificate names only *.exmail.qq.com.",
						Chinese: "请使用imap.exmail.qq.com和smtp.exmail.qq.com，不要用自己域名下的imap./smtp.：服务器证书只包含*.exmail.qq.com。",
					},
				},
				{
					Kind: NotePassword,
					Text: Text{
						English: "If secure login is on, log in with a client-specific password made in the Exmail settings, not the mailbox password.",
						Chinese: "如果开启了安全登录，请使用在企业邮箱设置中生成的客户端专用密码登录，而不是邮箱密码。",
					},
				},
			},
			Source:      "Exmail client-setup help (as copied by third parties); nodemailer services.json QQex; twikoojs/twikoo#304",
			LastChecked: "2026-11-26",
		},
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
	}
}
