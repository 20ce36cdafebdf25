import { describe, expect, it } from "vitest";
import { routerAnnouncement } from "./router-announcement.js";

const bound = {
  lambdaEndpoint: "0.0.0.0:6473",
  tableEndpoint: "0.0.0.0:6474",
  bootId: "boot-1",
};

describe("routerAnnouncement", () => {
  it("announces the bound end-points without --advertise", () => {
    expect(routerAnnouncement({ ...bound, advertise: undefined })).toEqual({
      edgeServerEndpoint: "0.0.0.0:6473",
      forwardingTableEndpoint: "0.0.0.0:6474",
      bootId: "boot-1",
    });
  });

  it("keeps each bound port under an advertised host", () => {
    expect(routerAnnouncement({ ...bound, advertise: "edge1" })).toMatchObject({
      edgeServerEndpoint: "edge1:6473",
      forwardingTableEndpoint: "edge1:6474",
    });
  });

  it("takes --advertise host:port as the lambda end-point; the table keeps its bound port", () => {
    expect(routerAnnouncement({ ...bound, advertise: "h:7000" })).toMatchObject({
      edgeServerEndpoint: "h:7000",
      forwardingTableEndpoint: "h:6474",
    });
  });

  it("announces one end-point for both when they share a port", () => {
    const one = { ...bound, tableEndpoint: bound.lambdaEndpoint };
    expect(routerAnnouncement({ ...one, advertise: "h:7000" })).toMatchObject({
      edgeServerEndpoint: "h:7000",
      forwardingTableEndpoint: "h:7000",
    });
  });

  it("brackets an IPv6 host", () => {
    expect(routerAnnouncement({ ...bound, advertise: "::1" })).toMatchObject({
      edgeServerEndpoint: "[::1]:6473",
      forwardingTableEndpoint: "[::1]:6474",
    });
  });
});
