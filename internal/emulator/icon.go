package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Application icons (authentik 2026.2.2). Application.meta_icon is a
// FileField (authentik/admin/files/fields.py): a TextField whose validator
// is validate_file_name (authentik/admin/files/validation.py). The API's
// meta_icon_url is Application.get_meta_icon (authentik/core/models.py):
// FileManager(MEDIA).file_url(meta_icon) without a request, which asks the
// backends in order StaticBackend, PassthroughBackend, then the management
// backend, FileBackend for a default install (storage.backend "file",
// authentik/admin/files/manager.py).

const (
	iconThemeVariable  = "%(theme)s" // backends/base.py THEME_VARIABLE
	iconMaxNameLength  = 1024        // validation.py MAX_FILE_NAME_LENGTH
	iconMaxPartLength  = 255         // validation.py MAX_PATH_COMPONENT_LENGTH
	iconURLExpiry      = 15 * time.Minute
	iconURLCacheWindow = 603 * time.Second // _cache_get_or_set: int(900*0.67)
)

var iconNameChars = regexp.MustCompile(`^[a-zA-Z0-9._/-]+$`)

// iconPassesThrough is PassthroughBackend.supports_file (fa://, http:,
// https://) or StaticBackend.supports_file (/static): validate_file_name
// accepts these without further checks.
func iconPassesThrough(name string) bool {
	for _, p := range []string{"fa://", "http:", "https://", "/static"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// validateIconName is validate_file_name; it returns authentik's message or
// "". DRF skips validators for "" (CharField allow_blank), so name is not
// empty here.
func validateIconName(name string) string {
	if iconPassesThrough(name) {
		return ""
	}
	if name == "" {
		return "File name cannot be empty"
	}
	if !iconNameChars.MatchString(strings.ReplaceAll(name, iconThemeVariable, "theme")) {
		return "File name can only contain letters (a-z, A-Z), numbers (0-9), " +
			"dots (.), hyphens (-), underscores (_), forward slashes (/), " +
			"and the placeholder %(theme)s for theme-specific files"
	}
	if strings.Contains(name, "//") {
		return "File name cannot contain duplicate /"
	}
	// PurePosixPath(name): empty and "." components dropped.
	if strings.HasPrefix(name, "/") {
		return "Absolute paths are not allowed"
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		if p == ".." {
			return "Parent directory references ('..') are not allowed"
		}
	}
	normalized := strings.Join(parts, "/")
	if normalized == "" {
		normalized = "."
	}
	if strings.HasPrefix(normalized, ".") {
		return "Paths cannot start with '.'"
	}
	if len(normalized) > iconMaxNameLength {
		return fmt.Sprintf("File name too long (max %d characters)", iconMaxNameLength)
	}
	for _, p := range parts {
		if len(p) > iconMaxPartLength {
			return fmt.Sprintf("Path component too long (max %d characters)", iconMaxPartLength)
		}
	}
	return ""
}

// iconURLs models FileBackend.file_url for the media usage of the default
// tenant: "/files/media/public/<name>?token=<HS256 JWT>" (web.path "/", no
// request so the URL stays relative), cached per name as authentik's cache
// does.
type iconURLs struct {
	mu     sync.Mutex
	secret string // stands in for settings.SECRET_KEY
	cache  map[string]cachedIconURL
}

type cachedIconURL struct {
	url     string
	expires time.Time
}

func newIconURLs() *iconURLs {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return &iconURLs{secret: hex.EncodeToString(b), cache: map[string]cachedIconURL{}}
}

// metaIconURL is Application.get_meta_icon: null for "", the name itself for
// passthrough and /static names (web.path prefix "" for the default "/"),
// otherwise the file backend's URL.
func (u *iconURLs) metaIconURL(name string) *string {
	if name == "" {
		return nil
	}
	if iconPassesThrough(name) {
		return &name
	}
	s := u.fileURL(name, time.Now())
	return &s
}

func (u *iconURLs) fileURL(name string, now time.Time) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.cache[name]; ok && now.Before(c.expires) {
		return c.url
	}
	path := "media/public/" + name
	// PyJWT: sorted header, payload in insertion order, datetimes as ints.
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload, _ := json.Marshal(struct {
		Path string `json:"path"`
		Exp  int64  `json:"exp"`
		Nbf  int64  `json:"nbf"`
	}{path, now.Add(iconURLExpiry).Unix(), now.Add(-15 * time.Second).Unix()})
	signing := header + "." + base64.RawURLEncoding.EncodeToString(payload)
	key := sha256.Sum256([]byte(u.secret + ":media"))
	mac := hmac.New(sha256.New, []byte(hex.EncodeToString(key[:])))
	mac.Write([]byte(signing))
	url := "/files/" + path + "?token=" + signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	u.cache[name] = cachedIconURL{url: url, expires: now.Add(iconURLCacheWindow)}
	return url
}
