package mailsettings

// For the tests of package mailsettings_test, which may import
// internal/ispdbgen (package mailsettings's own tests may not: it imports
// mailsettings).
var (
	DecodeISPDB = decodeISPDB
	ISPDBData   = ispdbData
)
