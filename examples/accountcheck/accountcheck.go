// Package accountcheck shows testing with mailsettingstest: Check is code
// under test, the sign-in step of an account-setup screen; its tests run
// it against a fake provider on loopback, found over HTTPS autoconfig as
// in production, with verified TLS and real logins.
package accountcheck

import (
	"context"
	"errors"

	"github.com/mailsettings/mailsettings"
)

// Check finds the settings for address with d and logs in to the best
// IMAP endpoint with p, returning the endpoint. A wrong password is an
// error that matches mailsettings.KindAuthRejected.
func Check(ctx context.Context, d *mailsettings.Discoverer, p *mailsettings.Prober, address, password string) (mailsettings.ServerEndpoint, error) {
	disc, err := d.Discover(ctx, address)
	best, ok := disc.Best()
	if !ok {
		return mailsettings.ServerEndpoint{}, err
	}
	imap, ok := best.Best(mailsettings.IMAP)
	if !ok {
		return mailsettings.ServerEndpoint{}, errors.New("accountcheck: no IMAP endpoint for " + disc.Domain)
	}
	_, err = p.CheckLogin(ctx, imap, mailsettings.Credentials{Username: best.Username(imap), Password: password})
	return imap, err
}
