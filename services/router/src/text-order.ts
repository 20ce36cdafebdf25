// The reference's string order lives in @soe/runtime, shared with the controller.
export { compareText } from "@soe/runtime";
