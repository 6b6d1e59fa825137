# The silo (HTTP API and Orleans silo in one process), as docker-compose.yml runs it.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish silo/Orchestrator.Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# HTTP API, silo-to-silo, gateway (the silo's defaults).
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Orchestrator.Silo.dll"]
