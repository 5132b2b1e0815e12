package mailsettings

import "testing"

// TestProviderForSharedHosts: a host that several built-in providers list
// is attributed deliberately: by the login's domain when it names one of
// them, to the hosting service for a custom domain, and otherwise as
// sharedHostOwners says (outlook.office365.com is Microsoft 365's: it used
// to be Outlook.com's, the first record that listed it, so a Microsoft 365
// endpoint got consumer Outlook.com advice).
func TestProviderForSharedHosts(t *testing.T) {
	cases := []struct {
		host, user, want string
	}{
		{"outlook.office365.com", "", "microsoft365"},
		{"OUTLOOK.office365.com.", "", "microsoft365"},
		{"outlook.office365.com", "alice@contoso.com", "microsoft365"},
		{"outlook.office365.com", "alice@hotmail.com", "outlook"},
		{"outlook.office365.com", "alice@Outlook.com", "outlook"},
		{"smtp.office365.com", "", "microsoft365"},
		{"smtp-mail.outlook.com", "", "outlook"},
		{"imap.gmail.com", "", "gmail"},
		{"imap.gmail.com", "alice@gmail.com", "gmail"},
		{"imap.gmail.com", "alice@example.org", "google-workspace"},
		{"smtp.gmail.com", "alice", "gmail"},
		{"imap.qq.com", "alice@example.org", "qq"},
		{"imap.example.test", "", ""},
	}
	for _, c := range cases {
		got := ""
		if p := providerFor(c.host, c.user); !p.IsZero() {
			got = p.data().ID
		}
		if got != c.want {
			t.Errorf("providerFor(%q, %q) = %q, want %q", c.host, c.user, got, c.want)
		}
	}
}

// TestSharedHostsHaveOwners: every host that several built-in providers
// list has an owner (see hostOwner), so that adding a record that shares a
// host forces a decision instead of leaving it to the table's order.
func TestSharedHostsHaveOwners(t *testing.T) {
	for host, ps := range providerHosts() {
		if len(ps) < 2 {
			continue
		}
		if _, ok := hostOwner(host, ps); !ok {
			ids := []string{}
			for _, p := range ps {
				ids = append(ids, p.data().ID)
			}
			t.Errorf("host %s is listed by %v, none of which owns it: name one in sharedHostOwners", host, ids)
		}
	}
	for host, id := range sharedHostOwners() {
		found := false
		for _, p := range providerHosts()[host] {
			found = found || p.data().ID == id
		}
		if !found {
			t.Errorf("sharedHostOwners[%s] = %q, which does not list the host", host, id)
		}
	}
}
