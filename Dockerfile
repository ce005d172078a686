# The app image used by docker-compose.yml: API, job workers and the built client.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
RUN npm run build:client
RUN mkdir -p /data && chown node:node /data
EXPOSE 3000
USER node
CMD ["node", "--import", "tsx", "server/src/main.ts"]
