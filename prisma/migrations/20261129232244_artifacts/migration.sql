-- CreateTable
CREATE TABLE "Artifact" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "ArtifactUpload" (
    "artifactSha256" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "mediaType" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactUpload_pkey" PRIMARY KEY ("artifactSha256","userId")
);

-- CreateIndex
CREATE INDEX "ArtifactUpload_userId_createdAt_idx" ON "ArtifactUpload"("userId", "createdAt");

-- AddForeignKey
ALTER TABLE "ArtifactUpload" ADD CONSTRAINT "ArtifactUpload_artifactSha256_fkey" FOREIGN KEY ("artifactSha256") REFERENCES "Artifact"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactUpload" ADD CONSTRAINT "ArtifactUpload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
