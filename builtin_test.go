package mailsettings_test

import (
	"testing"

	"github.com/mailsettings/mailsettings"
)

// TestBuiltinProviders: every domain of the database belongs to exactly
// one listed provider, which is the one Lookup returns for it.
func TestBuiltinProviders(t *testing.T) {
	seen := map[string]string{}
	ids := map[string]bool{}
	n := 0
	for p := range mailsettings.BuiltinProviders() {
		n++
		if p.IsZero() || ids[p.ID()] {
			t.Fatalf("provider %d: zero or duplicate id %q", n, p.ID())
		}
		ids[p.ID()] = true
		if q, ok := mailsettings.ProviderByID(p.ID()); !ok || q != p {
			t.Errorf("ProviderByID(%q) is another provider", p.ID())
		}
		for _, d := range p.Domains() {
			if other, dup := seen[d]; dup {
				t.Errorf("%s listed by %s and %s", d, other, p.ID())
			}
			seen[d] = p.ID()
		}
	}
	if len(seen) != mailsettings.DomainCount() {
		t.Errorf("providers list %d domains, DomainCount is %d", len(seen), mailsettings.DomainCount())
	}
	for _, d := range []string{"qq.com", "gmail.com", "163.com"} {
		s, err := mailsettings.Lookup(d)
		if err != nil || s.Provider.ID() != seen[d] {
			t.Errorf("Lookup(%s) = %v, %v; listed under %s", d, s.Provider.ID(), err, seen[d])
		}
	}
	if _, ok := mailsettings.ProviderByID("exmail"); !ok || !ids["exmail"] {
		t.Error("the hosting service exmail is not listed")
	}
	stop := 0
	for range mailsettings.BuiltinProviders() {
		stop++
		if stop == 3 {
			break
		}
	}
	if stop != 3 {
		t.Errorf("break after 3 gave %d", stop)
	}
}
