// cachefleet-cacheprog: the encrypted build cache helper the go command runs through GOCACHEPROG
// (Go 1.24+). It speaks cmd/go's cacheprog protocol on stdin/stdout, seals every entry with
// AES-256-GCM and stores it inside GOCACHE in Go's own bucket layout, decrypting hits only into a
// private scratch folder that lives as long as this process. The agent embeds this file and
// compiles it on the machine with the machine's own Go toolchain (standard library only).
package main

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// helperVersion is replaced by the agent when it compiles this file (-ldflags -X).
var helperVersion = "dev"

// The sealed entry format. Header: magic (8) | format version (1) | kind 'a' or 'd' (1) |
// key id (4) | nonce (12); then the AES-GCM ciphertext and tag. The header and the entry's
// action or output ID are the associated data, so a blob moved to another name does not open.
var sealMagic = []byte("CFLTSEAL")

const (
	sealVersion   = 1
	headerLen     = 8 + 1 + 1 + 4
	nonceLen      = 12
	tagLen        = 16
	sealOverhead  = headerLen + nonceLen + tagLen
	actionPlainSz = 32 + 8 + 8 // output ID, size, put time (unix nanos)
)

// Go's trim rule (cmd/go/internal/cache): at most once a day, remove entries unused for 5 days
// and an hour; a used entry's mtime is refreshed at most once an hour.
const (
	mtimeInterval = time.Hour
	trimInterval  = 24 * time.Hour
	trimLimit     = 5 * 24 * time.Hour
)

// tmpfsMagic is Linux's TMPFS_MAGIC (statfs f_type).
const tmpfsMagic = 0x01021994

const statsFile = "cachefleet-stats.json"
const statsLock = "cachefleet-stats.lock"
const tempFolder = "cachefleet-tmp"

type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64      `json:"ID"`
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

type stats struct {
	Version      int     `json:"version"`
	Gets         int64   `json:"gets"`
	Hits         int64   `json:"hits"`
	Misses       int64   `json:"misses"`
	Puts         int64   `json:"puts"`
	BytesServed  int64   `json:"bytesServed"`
	BytesWritten int64   `json:"bytesWritten"`
	BusyMs       float64 `json:"busyMs"`
	Since        string  `json:"since"`
	UpdatedAt    string  `json:"updatedAt"`
}

type helper struct {
	gocache string
	scratch string
	release func()

	keyReady chan struct{}
	aead     cipher.AEAD // nil when the key could not be read
	keyID    [4]byte

	outMu sync.Mutex
	out   *bufio.Writer

	written sync.Map // output ID hex → *scratchEntry

	buf       []byte // see getBuffer; used by the reading goroutine only
	bufMapped bool

	gets, hits, misses, puts, served, stored, busyNanos atomic.Int64

	latMu     sync.Mutex
	latencies []time.Duration
}

func main() {
	keyFile := flag.String("key-file", "", "read the key (64 hex digits) from this 0600 file")
	security := flag.String("keychain", "", "read the key from the Keychain with this security(1) binary")
	service := flag.String("service", "go-build-cache-encryption-key", "the Keychain item's service")
	account := flag.String("account", "", "the Keychain item's account")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	// A helper lives for one go command, and a cold build hands it every output it puts (tens of
	// megabytes): collecting only past a ceiling spares it a garbage collection every few requests
	// while keeping memory bounded. Gets reuse one buffer (see getBuffer).
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
	if *version {
		fmt.Println(helperVersion)
		return
	}
	gocache := os.Getenv("GOCACHE")
	if gocache == "" || !filepath.IsAbs(gocache) {
		fatal("GOCACHE is not set to an absolute path; the go command sets it for its cache helper")
	}
	h := &helper{gocache: gocache, keyReady: make(chan struct{}), out: bufio.NewWriterSize(os.Stdout, 64<<10)}
	// Announce the commands first: the go command waits for this line before anything else, and
	// reading the Keychain may take a moment.
	h.send(&response{ID: 0, KnownCommands: []string{"get", "put", "close"}})
	go func() {
		defer close(h.keyReady)
		key, err := loadKey(*keyFile, *security, *service, *account)
		if err == nil {
			err = h.useKey(key)
			clear(key)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "cachefleet-cacheprog: the cache key could not be read (%v); this build runs uncached\n", err)
		}
	}()
	scratch, release, err := makeScratch()
	if err != nil {
		fatal(err.Error())
	}
	h.scratch, h.release = scratch, release
	removeStaleTemp(filepath.Join(gocache, tempFolder))
	h.serve(os.Stdin)
}

func fatal(message string) {
	fmt.Fprintf(os.Stderr, "cachefleet-cacheprog: %s\n", message)
	os.Exit(1)
}

// The key ------------------------------------------------------------------------------------

func loadKey(keyFile, security, service, account string) ([]byte, error) {
	var text []byte
	switch {
	case keyFile != "":
		info, err := os.Stat(keyFile)
		if err != nil {
			return nil, err
		}
		if info.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("%s is readable by other users (mode %o)", keyFile, info.Mode().Perm())
		}
		if text, err = os.ReadFile(keyFile); err != nil {
			return nil, err
		}
	case security != "":
		// The secret comes back on this process's stdout pipe, never on any argv.
		args := []string{"find-generic-password", "-s", service}
		if account != "" {
			args = append(args, "-a", account)
		}
		cmd := exec.Command(security, append(args, "-w")...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("security find-generic-password: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		text = out
	default:
		return nil, errors.New("no key source on the command line (-key-file or -keychain)")
	}
	key := make([]byte, 32)
	trimmed := bytes.TrimSpace(text)
	n, err := hex.Decode(key, trimmed)
	clear(text)
	if err != nil || n != 32 || len(trimmed) != 64 {
		return nil, errors.New("the stored key is not 64 hex digits")
	}
	return key, nil
}

func (h *helper) useKey(key []byte) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	h.keyID = keyIDOf(key)
	h.aead = aead
	return nil
}

// keyIDOf names a key in entry headers without revealing it: 4 bytes of a domain-separated hash.
func keyIDOf(key []byte) [4]byte {
	sum := sha256.Sum256(append([]byte("cachefleet key id\x00"), key...))
	return [4]byte(sum[:4])
}

// Sealing ------------------------------------------------------------------------------------

func (h *helper) header(kind byte) []byte {
	hdr := make([]byte, headerLen, sealOverhead)
	copy(hdr, sealMagic)
	hdr[8] = sealVersion
	hdr[9] = kind
	copy(hdr[10:14], h.keyID[:])
	return hdr
}

func associatedData(hdr []byte, id []byte) []byte {
	return append(append([]byte{}, hdr[:headerLen]...), id...)
}

func (h *helper) seal(kind byte, id []byte, plain []byte) []byte {
	blob := h.header(kind)
	nonce := make([]byte, nonceLen)
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	blob = append(blob, nonce...)
	return h.aead.Seal(blob, nonce, plain, associatedData(blob, id))
}

var errForeign = errors.New("sealed under another key")

// open returns the plaintext, errForeign for an intact entry of another key (left in place: a key
// rotation may be under way), or another error for anything that is not a well-formed entry.
func (h *helper) open(kind byte, id []byte, blob []byte) ([]byte, error) {
	if len(blob) < sealOverhead || !bytes.Equal(blob[:8], sealMagic) || blob[8] != sealVersion || blob[9] != kind {
		return nil, errors.New("not a sealed entry")
	}
	if !bytes.Equal(blob[10:14], h.keyID[:]) {
		return nil, errForeign
	}
	nonce := blob[headerLen : headerLen+nonceLen]
	ciphertext := blob[headerLen+nonceLen:]
	// Opened in place: outputs run to megabytes, and the blob is not needed afterwards.
	return h.aead.Open(ciphertext[:0], nonce, ciphertext, associatedData(blob, id))
}

// Files --------------------------------------------------------------------------------------

func (h *helper) entryPath(id []byte, suffix string) string {
	name := hex.EncodeToString(id)
	return filepath.Join(h.gocache, name[:2], name+suffix)
}

// writeAtomic writes through a temp file and a rename, so concurrent go commands never read a
// half-written entry.
func writeAtomic(dir, tempDir, file string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(tempDir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(tempDir, "entry-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		if err = os.MkdirAll(dir, 0o777); err == nil {
			err = os.Rename(name, file)
		}
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

func (h *helper) store(file string, data []byte) error {
	return writeAtomic(filepath.Dir(file), filepath.Join(h.gocache, tempFolder), file, data, 0o644)
}

// scratchFile writes plaintext output for the go command to open, once per output ID. The folder
// is this process's alone, so a plain exclusive create is enough; requests for the same output
// wait for the one writing it.
func (h *helper) scratchFile(outputID []byte, plain []byte) (string, error) {
	name := hex.EncodeToString(outputID)
	once, _ := h.written.LoadOrStore(name, &scratchEntry{})
	entry := once.(*scratchEntry)
	entry.once.Do(func() {
		file := filepath.Join(h.scratch, name)
		f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_, err = f.Write(plain)
			if closeErr := f.Close(); err == nil {
				err = closeErr
			}
		}
		entry.path, entry.err = file, err
	})
	return entry.path, entry.err
}

type scratchEntry struct {
	once sync.Once
	path string
	err  error
}

// touch refreshes a used entry's mtime at most once an hour, as Go's disk cache does, so the trim
// keeps what is used.
func touch(file string, info os.FileInfo) {
	now := time.Now()
	if now.Sub(info.ModTime()) >= mtimeInterval {
		os.Chtimes(file, now, now)
	}
}

// The protocol -------------------------------------------------------------------------------

func (h *helper) send(res *response) {
	line, err := json.Marshal(res)
	if err != nil {
		panic(err)
	}
	h.outMu.Lock()
	defer h.outMu.Unlock()
	h.out.Write(line)
	h.out.WriteByte('\n')
	h.out.Flush()
}

func (h *helper) serve(input io.Reader) {
	dec := json.NewDecoder(bufio.NewReaderSize(input, 256<<10))
	var inFlight sync.WaitGroup
	// Bounded parallelism: enough to overlap file I/O, few enough not to compete with the compiler.
	slots := make(chan struct{}, 8)
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			// The go command went away without a close (killed, or a protocol error): leave no
			// plaintext behind.
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(os.Stderr, "cachefleet-cacheprog: reading a request: %v\n", err)
			}
			inFlight.Wait()
			h.finish()
			return
		}
		var body []byte
		if req.Command == "put" && req.BodySize > 0 {
			// The body follows as a base64 JSON string on a later line; the decoder skips blank
			// lines and decodes base64 into a byte slice.
			if err := dec.Decode(&body); err != nil {
				fmt.Fprintf(os.Stderr, "cachefleet-cacheprog: reading a put body: %v\n", err)
				inFlight.Wait()
				h.finish()
				return
			}
		}
		if req.Command == "close" {
			inFlight.Wait()
			h.finish()
			h.send(&response{ID: req.ID})
			return
		}
		if req.Command == "get" {
			// Answered here, one at a time: a warm build's gets sit on the go command's critical
			// path, and handing each to another goroutine (another thread to wake, on a machine
			// whose CPUs the build keeps busy) made them slower, not faster. Measured on the
			// bench's module: 107 ms a warm build against 115 ms with a goroutine per get.
			h.answer(&req, nil)
			continue
		}
		// Puts run beside further requests: sealing and writing a large output takes a while, and
		// the go command's other workers keep asking meanwhile.
		inFlight.Add(1)
		slots <- struct{}{}
		go func(req request, body []byte) {
			defer func() { <-slots; inFlight.Done() }()
			h.answer(&req, body)
		}(req, body)
	}
}

// answer handles one request and sends its response, counting the time it took.
func (h *helper) answer(req *request, body []byte) {
	start := time.Now()
	res := h.handle(req, body)
	elapsed := time.Since(start)
	h.busyNanos.Add(int64(elapsed))
	h.latMu.Lock()
	h.latencies = append(h.latencies, elapsed)
	h.latMu.Unlock()
	h.send(res)
}

func (h *helper) handle(req *request, body []byte) *response {
	<-h.keyReady
	switch req.Command {
	case "get":
		return h.get(req)
	case "put":
		return h.put(req, body)
	default:
		return &response{ID: req.ID, Err: fmt.Sprintf("unknown command %q", req.Command)}
	}
}

func (h *helper) miss(req *request) *response {
	h.misses.Add(1)
	return &response{ID: req.ID, Miss: true}
}

func (h *helper) get(req *request) *response {
	h.gets.Add(1)
	if h.aead == nil || len(req.ActionID) != 32 {
		return h.miss(req)
	}
	actionFile := h.entryPath(req.ActionID, "-a")
	var actionBuf [sealOverhead + actionPlainSz]byte
	entry, actionInfo, ok := h.readSealed(actionFile, 'a', req.ActionID, actionBuf[:])
	if !ok || len(entry) != actionPlainSz {
		return h.miss(req)
	}
	outputID := bytes.Clone(entry[:32])
	size := int64(binary.BigEndian.Uint64(entry[32:40]))
	putTime := time.Unix(0, int64(binary.BigEndian.Uint64(entry[40:48])))
	outputFile := h.entryPath(outputID, "-d")
	plain, outputInfo, ok := h.readSealed(outputFile, 'd', outputID, h.getBuffer(size+sealOverhead))
	if !ok {
		return h.miss(req)
	}
	if int64(len(plain)) != size {
		os.Remove(outputFile)
		return h.miss(req)
	}
	diskPath, err := h.scratchFile(outputID, plain)
	if err != nil {
		return &response{ID: req.ID, Err: err.Error()}
	}
	touch(actionFile, actionInfo)
	touch(outputFile, outputInfo)
	h.hits.Add(1)
	h.served.Add(size)
	return &response{ID: req.ID, OutputID: outputID, Size: size, Time: &putTime, DiskPath: diskPath}
}

// getBuffer returns the buffer gets read and open outputs in, at least n bytes long. Gets are
// answered one at a time on the reading goroutine, so one buffer serves them all: a warm build
// reads tens of megabytes of outputs, and fresh memory for each would cost a page fault every 4 KB.
// A large buffer is mapped with huge pages where Linux offers them (one fault per 2 MB).
func (h *helper) getBuffer(n int64) []byte {
	if int64(cap(h.buf)) >= n {
		return h.buf
	}
	n = max(n, 2*int64(cap(h.buf)), 64<<10)
	if h.bufMapped {
		syscall.Munmap(h.buf)
		h.buf, h.bufMapped = nil, false
	}
	if n >= 4<<20 && runtime.GOOS == "linux" {
		const madvHugepage = 14 // Linux's MADV_HUGEPAGE
		if b, err := syscall.Mmap(-1, 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE); err == nil {
			syscall.Madvise(b, madvHugepage)
			h.buf, h.bufMapped = b, true
			return b
		}
	}
	h.buf = make([]byte, n)
	return h.buf
}

// readSealed reads and opens one entry, in buf when it is large enough. A damaged, truncated or
// misplaced entry is removed; an intact entry sealed under another key is left for the rotation
// that wrote it. The plaintext may share buf's memory.
func (h *helper) readSealed(file string, kind byte, id []byte, buf []byte) ([]byte, os.FileInfo, bool) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, false
	}
	info, err := f.Stat()
	if err != nil || info.Size() > 1<<40 {
		f.Close()
		return nil, nil, false
	}
	var blob []byte
	if int64(cap(buf)) >= info.Size() {
		blob = buf[:info.Size()]
	} else {
		blob = make([]byte, info.Size())
	}
	_, err = io.ReadFull(f, blob)
	f.Close()
	if err != nil {
		return nil, nil, false
	}
	plain, err := h.open(kind, id, blob)
	if err != nil {
		if !errors.Is(err, errForeign) {
			os.Remove(file)
		}
		return nil, nil, false
	}
	return plain, info, true
}

func (h *helper) put(req *request, body []byte) *response {
	h.puts.Add(1)
	if len(req.ActionID) != 32 || len(req.OutputID) != 32 {
		return &response{ID: req.ID, Err: "put needs a 32-byte ActionID and OutputID"}
	}
	if int64(len(body)) != req.BodySize {
		return &response{ID: req.ID, Err: fmt.Sprintf("put body holds %d bytes, BodySize says %d", len(body), req.BodySize)}
	}
	// The go command reads the output back from DiskPath during this build, stored or not.
	diskPath, err := h.scratchFile(req.OutputID, body)
	if err != nil {
		return &response{ID: req.ID, Err: err.Error()}
	}
	if h.aead == nil {
		return &response{ID: req.ID, DiskPath: diskPath}
	}
	outputFile := h.entryPath(req.OutputID, "-d")
	if !h.holdsCurrent(outputFile, int64(len(body))) {
		if err := h.store(outputFile, h.seal('d', req.OutputID, body)); err != nil {
			return &response{ID: req.ID, Err: err.Error()}
		}
		h.stored.Add(int64(len(body)))
	}
	entry := make([]byte, actionPlainSz)
	copy(entry, req.OutputID)
	binary.BigEndian.PutUint64(entry[32:40], uint64(len(body)))
	binary.BigEndian.PutUint64(entry[40:48], uint64(time.Now().UnixNano()))
	if err := h.store(h.entryPath(req.ActionID, "-a"), h.seal('a', req.ActionID, entry)); err != nil {
		return &response{ID: req.ID, Err: err.Error()}
	}
	return &response{ID: req.ID, DiskPath: diskPath}
}

// holdsCurrent: an output is named by its content's hash, so an entry of the right size sealed
// under the current key already holds it (a damaged one is found and removed by the next get).
func (h *helper) holdsCurrent(file string, size int64) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.Size() != size+sealOverhead {
		return false
	}
	hdr := make([]byte, headerLen)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return false
	}
	return bytes.Equal(hdr[:8], sealMagic) && hdr[8] == sealVersion && hdr[9] == 'd' && bytes.Equal(hdr[10:14], h.keyID[:])
}

// Closing: scratch, stats, trim ---------------------------------------------------------------

func (h *helper) finish() {
	os.RemoveAll(h.scratch)
	h.release()
	h.writeStats()
	h.writeLatencies()
	if h.aead != nil {
		h.trim()
	}
}

func (h *helper) writeStats() {
	lock, err := os.OpenFile(filepath.Join(h.gocache, statsLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	file := filepath.Join(h.gocache, statsFile)
	var s stats
	if data, err := os.ReadFile(file); err != nil || json.Unmarshal(data, &s) != nil || s.Version != 1 {
		s = stats{Version: 1, Since: now}
	}
	s.Gets += h.gets.Load()
	s.Hits += h.hits.Load()
	s.Misses += h.misses.Load()
	s.Puts += h.puts.Load()
	s.BytesServed += h.served.Load()
	s.BytesWritten += h.stored.Load()
	s.BusyMs += float64(h.busyNanos.Load()) / 1e6
	s.UpdatedAt = now
	data, err := json.Marshal(&s)
	if err != nil {
		return
	}
	writeAtomic(h.gocache, filepath.Join(h.gocache, tempFolder), file, append(data, '\n'), 0o644)
}

// writeLatencies appends each request's handling time in microseconds to the file named by
// CACHEFLEET_CACHEPROG_LATENCY_LOG, for the benchmark; nothing is written without it.
func (h *helper) writeLatencies() {
	file := os.Getenv("CACHEFLEET_CACHEPROG_LATENCY_LOG")
	if file == "" {
		return
	}
	var b strings.Builder
	h.latMu.Lock()
	for _, d := range h.latencies {
		b.WriteString(strconv.FormatInt(d.Microseconds(), 10))
		b.WriteByte('\n')
	}
	h.latMu.Unlock()
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	f.WriteString(b.String())
	f.Close()
}

// trim applies Go's own rule, which the go command skips when a helper is configured.
func (h *helper) trim() {
	now := time.Now()
	trimFile := filepath.Join(h.gocache, "trim.txt")
	if data, err := os.ReadFile(trimFile); err == nil {
		if t, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			if d := now.Sub(time.Unix(t, 0)); d < trimInterval && d > -mtimeInterval {
				return
			}
		}
	}
	cutoff := now.Add(-trimLimit - mtimeInterval)
	for i := 0; i < 256; i++ {
		subdir := filepath.Join(h.gocache, fmt.Sprintf("%02x", i))
		names, _ := readNames(subdir)
		for _, name := range names {
			if !strings.HasSuffix(name, "-a") && !strings.HasSuffix(name, "-d") {
				continue
			}
			entry := filepath.Join(subdir, name)
			if info, err := os.Stat(entry); err == nil && info.ModTime().Before(cutoff) {
				if info.IsDir() {
					os.RemoveAll(entry)
				} else {
					os.Remove(entry)
				}
			}
		}
	}
	writeAtomic(h.gocache, filepath.Join(h.gocache, tempFolder), trimFile, []byte(strconv.FormatInt(now.Unix(), 10)), 0o644)
}

func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

// removeStaleTemp removes temp files a crashed helper left in GOCACHE (an hour is far longer than
// any write takes).
func removeStaleTemp(dir string) {
	names, _ := readNames(dir)
	cutoff := time.Now().Add(-time.Hour)
	for _, name := range names {
		file := filepath.Join(dir, name)
		if info, err := os.Lstat(file); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(file)
		}
	}
}

// Scratch ------------------------------------------------------------------------------------

// makeScratch creates this process's private folder for decrypted outputs under the user's temp
// folder, and removes folders left by helpers that died. Each live helper holds a lock on
// run-<name>.lock, which the kernel releases when the process dies however it dies; the lock file
// gets that name only once locked, so a lock that can be taken belongs to a dead helper.
func makeScratch() (string, func(), error) {
	root := filepath.Join(scratchBase(), fmt.Sprintf("cachefleet-cacheprog-%d", os.Getuid()))
	if err := os.Mkdir(root, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", nil, err
	}
	info, err := os.Lstat(root)
	if err != nil {
		return "", nil, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || int(st.Uid) != os.Getuid() || info.Mode().Perm()&0o077 != 0 {
		return "", nil, fmt.Errorf("%s is not a private folder of this user; remove it", root)
	}
	removeDeadScratch(root)
	lock, err := os.CreateTemp(root, "tmp-*")
	if err != nil {
		return "", nil, err
	}
	fail := func(err error) (string, func(), error) {
		os.Remove(lock.Name())
		lock.Close()
		return "", nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fail(err)
	}
	dir := filepath.Join(root, "run-"+strings.TrimPrefix(filepath.Base(lock.Name()), "tmp-"))
	if err := os.Rename(lock.Name(), dir+".lock"); err != nil {
		return fail(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		os.Remove(dir + ".lock")
		lock.Close()
		return "", nil, err
	}
	release := func() {
		os.RemoveAll(dir)
		os.Remove(dir + ".lock")
		lock.Close()
	}
	return dir, release, nil
}

// scratchBase is the user's temporary folder: $TMPDIR when set (macOS always sets it, to a
// per-user folder). Elsewhere a memory-backed folder comes first when TMPDIR is unset, the user's
// runtime folder or /dev/shm: decrypted outputs then never reach a disk, and writing them costs a
// fraction (measured on Linux CI: 30 MB of outputs written in ~70 ms to tmpfs, ~300-440 ms to a
// disk-backed /tmp).
func scratchBase() string {
	if os.Getenv("TMPDIR") != "" || runtime.GOOS == "darwin" {
		return os.TempDir()
	}
	for _, dir := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if dir == "" {
			continue
		}
		var fs syscall.Statfs_t
		if err := syscall.Statfs(dir, &fs); err == nil && fs.Type == tmpfsMagic && syscall.Access(dir, 0o2|0o1) == nil {
			return dir
		}
	}
	return os.TempDir()
}

func removeDeadScratch(root string) {
	names, _ := readNames(root)
	present := map[string]bool{}
	for _, name := range names {
		present[name] = true
	}
	for _, name := range names {
		file := filepath.Join(root, name)
		switch {
		case strings.HasPrefix(name, "run-") && strings.HasSuffix(name, ".lock"):
			lock, err := os.OpenFile(file, os.O_RDWR, 0)
			if err != nil {
				continue
			}
			if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
				os.RemoveAll(strings.TrimSuffix(file, ".lock"))
				os.Remove(file)
			}
			lock.Close()
		case strings.HasPrefix(name, "run-") && !present[name+".lock"]:
			// A folder is made only after its lock file, so one without a lock is an orphan (looked
			// up again: the listing may predate a lock named a moment ago).
			if _, err := os.Lstat(file + ".lock"); errors.Is(err, os.ErrNotExist) {
				os.RemoveAll(file)
			}
		case strings.HasPrefix(name, "tmp-"):
			// A lock file a helper died before naming.
			if info, err := os.Lstat(file); err == nil && time.Since(info.ModTime()) > time.Minute {
				os.Remove(file)
			}
		}
	}
}
