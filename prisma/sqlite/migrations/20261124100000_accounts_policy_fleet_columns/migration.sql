-- AlterTable
ALTER TABLE "EnrollmentSecret" ADD COLUMN "createdByEmail" TEXT;
ALTER TABLE "EnrollmentSecret" ADD COLUMN "lastUsedAt" DATETIME;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN "cacheBytes" BIGINT;
ALTER TABLE "Report" ADD COLUMN "cacheEntries" INTEGER;
ALTER TABLE "Report" ADD COLUMN "encryptedEntries" INTEGER;
ALTER TABLE "Report" ADD COLUMN "plaintextEntries" INTEGER;

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "refreshTokenExpiresAt" DATETIME,
    "scope" TEXT,
    "password" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'team',
    "requireEncryption" BOOLEAN NOT NULL DEFAULT true,
    "requireEncryptedFromGo" TEXT NOT NULL DEFAULT '1.22',
    "cacheSizeWarningBytes" BIGINT NOT NULL DEFAULT 10737418240,
    "offlineAfterMinutes" INTEGER NOT NULL DEFAULT 60,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedByEmail" TEXT
);

-- Passwords move to better-auth's Account table (hand-written): the existing scrypt hashes are
-- kept as they are, and packages/api/src/auth.ts still verifies that format.
INSERT INTO "Account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt")
SELECT 'legacy-' || "id", "id", 'credential', "id", "passwordHash", "createdAt", "createdAt" FROM "User";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "banned" BOOLEAN DEFAULT false,
    "banReason" TEXT,
    "banExpires" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("createdAt", "email", "id", "role") SELECT "createdAt", "email", "id", "role" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "token" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "impersonatedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Old sessions are not carried over (hand-written): only their token hashes were stored, and
-- better-auth keys sessions by token, so everyone signs in once more.
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
CREATE UNIQUE INDEX "Session_token_key" ON "Session"("token");
CREATE INDEX "Session_userId_idx" ON "Session"("userId");
CREATE TABLE "new_Machine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "enrolledAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enrolledWithId" TEXT,
    "revokedAt" DATETIME,
    "hostname" TEXT NOT NULL,
    "username" TEXT NOT NULL DEFAULT '',
    "platform" TEXT NOT NULL DEFAULT '',
    "osRelease" TEXT NOT NULL DEFAULT '',
    "arch" TEXT NOT NULL DEFAULT '',
    "lastSeenAt" DATETIME,
    "macosVersion" TEXT,
    "rosetta" BOOLEAN,
    "keychainKey" TEXT,
    "goVersion" TEXT,
    "goVersions" TEXT NOT NULL DEFAULT '',
    "gocache" TEXT,
    "cacheEntries" INTEGER,
    "cacheBytes" BIGINT,
    "cacheVerdict" TEXT,
    "health" TEXT,
    "findingsCount" INTEGER NOT NULL DEFAULT 0,
    "findingRules" TEXT NOT NULL DEFAULT '',
    "latestReportId" TEXT,
    CONSTRAINT "Machine_enrolledWithId_fkey" FOREIGN KEY ("enrolledWithId") REFERENCES "EnrollmentSecret" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Machine" ("arch", "cacheBytes", "cacheEntries", "cacheVerdict", "enrolledAt", "enrolledWithId", "findingRules", "findingsCount", "goVersion", "gocache", "health", "hostname", "id", "lastSeenAt", "latestReportId", "osRelease", "platform", "revokedAt", "tokenHash", "username") SELECT "arch", "cacheBytes", "cacheEntries", "cacheVerdict", "enrolledAt", "enrolledWithId", "findingRules", "findingsCount", "goVersion", "gocache", "health", "hostname", "id", "lastSeenAt", "latestReportId", "osRelease", "platform", "revokedAt", "tokenHash", "username" FROM "Machine";
DROP TABLE "Machine";
ALTER TABLE "new_Machine" RENAME TO "Machine";
CREATE UNIQUE INDEX "Machine_tokenHash_key" ON "Machine"("tokenHash");
CREATE INDEX "Machine_hostname_idx" ON "Machine"("hostname");
CREATE INDEX "Machine_lastSeenAt_idx" ON "Machine"("lastSeenAt");
CREATE INDEX "Machine_cacheVerdict_idx" ON "Machine"("cacheVerdict");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Account_userId_idx" ON "Account"("userId");

-- CreateIndex
CREATE INDEX "Verification_identifier_idx" ON "Verification"("identifier");

