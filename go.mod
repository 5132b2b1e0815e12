module github.com/mailsettings/mailsettings

go 1.24
