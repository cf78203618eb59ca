package operation

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogPathMasksSecretQueryValues(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "/a/", logPath("/a/", ""))
	assert.Equal(t, "/a/?access_token=(sensitive)&page=2&search=x+y", logPath("/a/", "search=x+y&access_token=abc&page=2"))
	assert.Equal(t, "/o/token/?client_secret=(sensitive)&code=(sensitive)", logPath("/o/token/", "code=c0de&client_secret=s3"))
}
