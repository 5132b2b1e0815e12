package mailsettings

// Curated records of Chinese mainland, Hong Kong and Taiwan providers that
// are not in providers.go. Only facts that an official page or a curated
// client database confirms are listed; the providers and domains left out
// for lack of a source are listed in the data notes of the repository.

// cnProviders returns the curated Chinese-language records.
func cnProviders() []ProviderInfo {
	return []ProviderInfo{
		{
			// Aliyun Mail (阿里邮箱个人版): imap.aliyun.com 993 SSL and
			// smtp.aliyun.com 465 SSL, from Delta Chat provider-db aliyun.md
			// (status OK, checked 2023-09) and nodemailer services.json
			// "Aliyun". The POP3 host (pop.aliyun.com or pop3.aliyun.com) and
			// the password kind could not be confirmed and are left out.
			ID:      "aliyun",
			Name:    "Aliyun Mail",
			Domains: []string{"aliyun.com"},
			Endpoints: []ServerEndpoint{
				ep(IMAP, "imap.aliyun.com", 993, ImplicitTLS, addr),
				ep(SMTP, "smtp.aliyun.com", 465, ImplicitTLS, addr),
			},
			Source:      "Delta Chat provider-db _providers/aliyun.md (status OK, 2023-09); nodemailer services.json Aliyun",
			LastChecked: "2026-11-26",
		},
	}
}
