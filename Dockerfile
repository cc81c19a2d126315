# FlexiAI gateway image: the packed npm package installed as a user would, run as a non-root user.
#   docker build -t flexiai .
#   docker run -p 4000:4000 -e FLEXIAI_GATEWAY_KEY=... -e OPENAI_API_KEY=... flexiai
# Provide your own configuration with -v ./flexiai.config.yaml:/etc/flexiai/flexiai.config.yaml:ro

FROM node:22-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsup.config.ts README.md LICENSE ./
COPY src ./src
RUN npm run build && npm pack --ignore-scripts && mv flexiai-*.tgz /build/flexiai.tgz

FROM node:22-slim
ENV NODE_ENV=production \
    FLEXIAI_CONFIG=/etc/flexiai/flexiai.config.yaml
WORKDIR /srv/flexiai
COPY --from=build /build/flexiai.tgz /tmp/flexiai.tgz
# The optional peers the image needs: ioredis (shared circuit state), google-auth-library (Vertex AI).
RUN echo '{"name":"flexiai-gateway","private":true}' > package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
      /tmp/flexiai.tgz ioredis@^6 google-auth-library@^10 \
 && rm /tmp/flexiai.tgz && npm cache clean --force
COPY docker/flexiai.config.yaml /etc/flexiai/flexiai.config.yaml
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FLEXIAI_SERVER_PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: in-flight requests drain, then it exits 0.
ENTRYPOINT ["/srv/flexiai/node_modules/.bin/flexiai"]
CMD ["serve"]
